// `npm run agreement -- --nation FRA pause GBR`: the operator's command for a nation's signed sharing agreements.
import { isAbsolute, relative as relativePath } from "node:path";
import { PolicyDocumentError } from "@tearline/policy";
import { loadCoalitionsFile, loadPurposesFile } from "../../lib/policy-files.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";
import { AGREEMENT_USAGE, type AgreementInvocation, parseAgreementArgs, UsageError } from "./args.js";
import { applyCommand } from "./commands.js";
import {
  AgreementFileError,
  agreementDocumentPath,
  DEFAULT_DATA_ROOT,
  readSignedAgreements,
  writeAgreementDocument,
} from "./document-file.js";
import { rotateAgreementKey } from "./keys.js";
import { renderAgreements } from "./show.js";

/** A path under the working directory as relative to it (`.data/FRA/agreements.jws`), any other as it is. */
const shortPath = (path: string) => {
  const relative = relativePath(process.cwd(), path);
  return relative.startsWith("..") || isAbsolute(relative) ? path : relative;
};

/**
 * Carries out one command and returns what to print. A change reads and
 * verifies the current document first, and writes nothing unless every step
 * before the write succeeded: bad input leaves the file as it was.
 */
async function run({ nation, dataRoot, keysDir, command }: AgreementInvocation, now: number): Promise<string> {
  const current = await readSignedAgreements(dataRoot, keysDir, nation);
  if (current === undefined) {
    const path = agreementDocumentPath(dataRoot, nation);
    throw new UsageError(`${nation} has no agreements document at ${path} (npm start writes the defaults; check --data-root)`);
  }
  if (command.name === "show") return renderAgreements(current.document, shortPath(current.path), current.kid, now);
  const change = applyCommand(current.document, command, now);
  if (change === undefined)
    return `${nation} agreements version ${current.document.version}: nothing to change, the document already says so`;
  let summary = change.summary;
  if (command.name === "rotate-key") summary += ` (new key ${(await rotateAgreementKey(keysDir, nation)).kid})`;
  await writeAgreementDocument(dataRoot, keysDir, change.document);
  return `${nation} agreements version ${change.document.version}: ${summary}`;
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h") || args[0] === "help") {
  console.log(AGREEMENT_USAGE);
} else {
  const now = Date.now();
  try {
    const knownNations = new Set<string>([...NATIONS, ...[...loadCoalitionsFile().values()].flatMap((members) => [...members])]);
    const invocation = parseAgreementArgs(args, {
      env: process.env,
      defaults: { dataRoot: DEFAULT_DATA_ROOT, keysDir: DEFAULT_KEYS_DIR },
      purposes: loadPurposesFile(),
      knownNations,
      now,
    });
    console.log(await run(invocation, now));
  } catch (error) {
    // One line, whatever the cause: operators grep logs, and scripts read the exit code.
    const message = (error instanceof Error ? error.message : String(error)).replace(/(:?)\s*\n\s*(?:- )?/g, (_, colon) =>
      colon ? ": " : "; ",
    );
    console.error(`agreement: ${message}`);
    const refused = error instanceof UsageError || error instanceof AgreementFileError || error instanceof PolicyDocumentError;
    process.exitCode = refused ? 2 : 1;
  }
}
