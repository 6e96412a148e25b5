// `npm run agreement -- --nation FRA pause GBR`: the operator's command for a nation's signed sharing agreements.
import { stat } from "node:fs/promises";
import { dirname, isAbsolute, relative as relativePath } from "node:path";
import { PolicyDocumentError } from "@tearline/policy";
import { loadCoalitionsFile, loadPurposesFile } from "../../lib/policy-files.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { reportFailure } from "../cli-failure.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";
import { resignRevocationList } from "../revoke/list-file.js";
import { AGREEMENT_USAGE, type AgreementInvocation, parseAgreementArgs, UsageError } from "./args.js";
import { applyCommand } from "./commands.js";
import {
  AgreementFileError,
  agreementDocumentPath,
  DEFAULT_DATA_ROOT,
  readSignedAgreements,
  type SignedAgreements,
  writeAgreementDocument,
  writeSignedDocument,
} from "./document-file.js";
import { rotateAgreementKey } from "./keys.js";
import { AgreementLockBusy, withAgreementLock } from "./lock.js";
import { renderAgreements } from "./show.js";

/** A path under the working directory as relative to it (`.data/FRA/agreements.jws`), any other as it is. */
const shortPath = (path: string) => {
  const relative = relativePath(process.cwd(), path);
  return relative.startsWith("..") || isAbsolute(relative) ? path : relative;
};

const noDocument = (dataRoot: string, nation: string) =>
  new UsageError(
    `${nation} has no agreements document at ${agreementDocumentPath(dataRoot, nation)} (npm start writes the defaults; check --data-root)`,
  );

/** The nation's verified document; a refusal when it has none. */
async function currentDocument(dataRoot: string, keysDir: string, nation: string): Promise<SignedAgreements> {
  const current = await readSignedAgreements(dataRoot, keysDir, nation);
  if (current === undefined) throw noDocument(dataRoot, nation);
  return current;
}

/** Whether the nation's data directory is there (a command that finds none creates nothing, not even its lock). */
async function hasDataDirectory(dataRoot: string, nation: string): Promise<boolean> {
  const folder = dirname(agreementDocumentPath(dataRoot, nation));
  try {
    if ((await stat(folder)).isDirectory()) return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  throw new AgreementFileError(`${folder}, ${nation}'s data directory, is not a folder`);
}

/**
 * Carries out a command that writes, holding the nation's lock from the read
 * to the write: another command waits, so no change is lost. It reads and
 * verifies the current document first, and writes nothing unless every step
 * before the write succeeded: bad input leaves the file as it was.
 */
async function change({ nation, dataRoot, keysDir, command }: AgreementInvocation, now: number): Promise<string> {
  const current = await currentDocument(dataRoot, keysDir, nation);
  const change = applyCommand(current.document, command, now);
  if (change === undefined)
    return `${nation} agreements version ${current.document.version}: nothing to change, the document already says so`;
  let summary = change.summary;
  if (command.name === "rotate-key") {
    // The JWKS names both keys until the document signed with the new one is written and the new private key saved.
    const key = await rotateAgreementKey(keysDir, nation, async (key) => {
      await writeSignedDocument(dataRoot, change.document, key);
      // The revocation list is signed with the same key: gateways would refuse the nation's tokens under a retired one.
      await resignRevocationList(dataRoot, keysDir, nation, key, now);
    });
    summary += ` (new key ${key.kid})`;
  } else {
    await writeAgreementDocument(dataRoot, keysDir, change.document);
  }
  return `${nation} agreements version ${change.document.version}: ${summary}`;
}

/** Carries out one command and returns what to print. */
async function run(invocation: AgreementInvocation, now: number): Promise<string> {
  const { nation, dataRoot, keysDir, command } = invocation;
  if (command.name === "show") {
    const current = await currentDocument(dataRoot, keysDir, nation);
    return renderAgreements(current.document, shortPath(current.path), current.kid, now);
  }
  if (!(await hasDataDirectory(dataRoot, nation))) throw noDocument(dataRoot, nation);
  return withAgreementLock(dataRoot, nation, () => change(invocation, now));
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
    const refused =
      error instanceof UsageError ||
      error instanceof AgreementFileError ||
      error instanceof AgreementLockBusy ||
      error instanceof PolicyDocumentError;
    reportFailure("agreement", error, refused);
  }
}
