// `npm run audit:verify`: checks every chain of the audit trail, its events' hashes and its checkpoints' signatures.
import { dirname } from "node:path";
import { verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { openChainSource } from "./chain-sources.js";
import { loadTrustedKeys } from "./trusted-keys.js";
import { parseVerifyArgs, UsageError, VERIFY_USAGE } from "./verify-args.js";
import { summaryLine, verdictLine } from "./verify-report.js";

/** One line, whatever failed: operators grep logs, and scripts read the exit code. */
const oneLine = (error: unknown) => {
  const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
  return message.replace(/\s*\n\s*/g, "; ");
};

/** Verifies every chain the options name, printing one line each; resolves the exit code. */
async function main(args: string[]): Promise<number> {
  const options = parseVerifyArgs(args, process.env);
  if (options === "help") {
    console.log(VERIFY_USAGE);
    return 0;
  }
  const keys = await loadTrustedKeys(options.keys.files, options.keys.required);
  const source = await openChainSource(options.source);
  let chains = 0;
  let broken = 0;
  try {
    for await (const stored of source.chains()) {
      // Said once there is a chain to verify: without a key, every signed checkpoint is reported broken.
      if (chains === 0 && keys.read.length === 0)
        console.error(`audit:verify: no gateway key set in ${dirname(options.keys.files[0]!)}: no checkpoint can verify`);
      const verdict = await verifyStoredChain(stored, keys.keyFor, options.limits);
      chains++;
      if (!verdict.ok) broken++;
      console.log(verdictLine(stored.chain, verdict));
    }
  } finally {
    await source.close();
  }
  console.log(summaryLine(source.label, chains, broken));
  return broken === 0 ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`audit:verify: ${error.message} (npm run audit:verify -- --help)`);
    process.exitCode = 2;
  } else {
    console.error(`audit:verify: ${oneLine(error)}`);
    process.exitCode = 1;
  }
}
