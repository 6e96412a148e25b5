import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeEach } from "vitest";
import { ensureDefaultAgreements } from "../../scripts/agreement/defaults.js";
import { agreementDocumentPath, readAgreementDocument } from "../../scripts/agreement/document-file.js";
import { agreementJwksPath } from "../../scripts/agreement/keys.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { AGREEMENT_MAIN, ROOT } from "./agreement-command.js";
import { temporaryFolders } from "./temporary-folders.js";

// The operator's command (`npm run agreement`) as a separate process, on folders of its own for each test: what the
// agreement CLI's test files share.

/** A year that stays in the future as long as this test lives. */
export const YEAR = new Date().getUTCFullYear() + 2;

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The current test's data root (every nation's default agreements in it), keys dir, and FRA's agreements document. */
export let dataRoot: string;
export let keysDir: string;
export let file: string;

/**
 * Gives each test of the calling file fresh folders (`dataRoot`, `keysDir`) holding every nation's default
 * agreements, removed after it; returns the maker of those folders, for a test that wants one more.
 */
export function agreementFolders(): (prefix: string) => string {
  const temporary = temporaryFolders();
  beforeEach(async () => {
    dataRoot = temporary("tearline-agreement-data-");
    keysDir = temporary("tearline-agreement-keys-");
    file = agreementDocumentPath(dataRoot, "FRA");
    await ensureDefaultAgreements({ dataRoot, keysDir, nations: NATIONS });
  });
  return temporary;
}

/** The operator's command, as a separate process, on this test's folders (unless `env` names others). */
export function agreement(args: string[], env: NodeJS.ProcessEnv = {}, folders = true): Promise<Outcome> {
  const options = folders ? ["--data-root", dataRoot, "--keys-dir", keysDir] : [];
  const childEnv = { ...process.env, DATA_ROOT: "", KEYS_DIR: "", ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [...AGREEMENT_MAIN, ...options, ...args], { cwd: ROOT, env: childEnv }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
export const fra = (...args: string[]) => agreement(["--nation", "FRA", ...args]);
export const current = async () => (await readAgreementDocument(dataRoot, keysDir, "FRA"))!;
export const publishedKids = () =>
  (JSON.parse(readFileSync(agreementJwksPath(keysDir, "FRA"), "utf8")).keys as Array<{ kid: string }>).map((key) => key.kid);
export const gbr = async () => (await current()).partners.get("GBR");
