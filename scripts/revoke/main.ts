// `npm run revoke -- --nation GBR --jti <jti>`: the operator's command for a nation's signed list of revoked tokens.
import { stat } from "node:fs/promises";
import { dirname, isAbsolute, relative as relativePath } from "node:path";
import { AgreementFileError, DEFAULT_DATA_ROOT } from "../agreement/document-file.js";
import { AgreementLockBusy, withAgreementLock } from "../agreement/lock.js";
import { reportFailure } from "../cli-failure.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";
import { parseRevokeArgs, REVOKE_USAGE, type RevokeInvocation, UsageError } from "./args.js";
import { renderRevocations, revoke } from "./commands.js";
import { RevocationFileError, readRevocationList, revocationListPath, signingKey, writeRevocationList } from "./list-file.js";

/** A path under the working directory as relative to it (`.data/GBR/revocations.jws`), any other as it is. */
const shortPath = (path: string) => {
  const relative = relativePath(process.cwd(), path);
  return relative.startsWith("..") || isAbsolute(relative) ? path : relative;
};

/** Carries out one command and returns what to print. */
async function run({ nation, dataRoot, keysDir, command }: RevokeInvocation, now: number): Promise<string> {
  if (command.name === "list") {
    const current = await readRevocationList(dataRoot, keysDir, nation);
    if (current === undefined) return `${nation} publishes no revocation list at ${shortPath(revocationListPath(dataRoot, nation))}`;
    return renderRevocations(current.list, shortPath(current.path), current.kid, now);
  }
  const folder = dirname(revocationListPath(dataRoot, nation));
  const isFolder = await stat(folder).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  // A command that finds no data directory creates nothing, not even its lock.
  if (!isFolder) throw new UsageError(`${nation} has no data directory at ${shortPath(folder)} (npm start creates it; check --data-root)`);
  // The nation's one lock for what it signs: an agreement command (a key rotation) never interleaves with this write.
  return withAgreementLock(dataRoot, nation, async () => {
    const current = await readRevocationList(dataRoot, keysDir, nation);
    const change = revoke(current?.list, nation, command.jtis, now);
    if (change === undefined) return `${nation} revocation list: nothing to change, every token given is already listed`;
    await writeRevocationList(dataRoot, change.list, await signingKey(keysDir, nation));
    return `${change.summary}; gateways refuse a revoked token as soon as they read the list`;
  });
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(REVOKE_USAGE);
} else {
  try {
    const invocation = parseRevokeArgs(args, { env: process.env, defaults: { dataRoot: DEFAULT_DATA_ROOT, keysDir: DEFAULT_KEYS_DIR } });
    console.log(await run(invocation, Date.now()));
  } catch (error) {
    const refused =
      error instanceof UsageError ||
      error instanceof RevocationFileError ||
      error instanceof AgreementFileError ||
      error instanceof AgreementLockBusy;
    reportFailure("revoke", error, refused);
  }
}
