import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TestStack } from "./test-stack.js";

const run = promisify(execFile);
/** The repository's root: the operator's command runs from there. */
export const ROOT = new URL("../../", import.meta.url).pathname;
/** Node's arguments that run the operator's command (`npm run agreement`), before the command's own. */
export const AGREEMENT_MAIN = ["--import", "tsx", "scripts/agreement/main.ts"];

/** Runs the operator's command (`npm run agreement`) against a test stack's data and keys, for `nation`. */
export const agreementCommand = (stack: Pick<TestStack, "dataRoot" | "keysDir">, nation: string, ...args: string[]) =>
  run(process.execPath, [...AGREEMENT_MAIN, "--data-root", stack.dataRoot, "--keys-dir", stack.keysDir, "--nation", nation, ...args], {
    cwd: ROOT,
  });
