import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TestStack } from "./test-stack.js";

const run = promisify(execFile);
const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs the operator's command (`npm run agreement`) against a test stack's data and keys, for `nation`. */
export const agreementCommand = (stack: Pick<TestStack, "dataRoot" | "keysDir">, nation: string, ...args: string[]) =>
  run(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/agreement/main.ts",
      "--data-root",
      stack.dataRoot,
      "--keys-dir",
      stack.keysDir,
      "--nation",
      nation,
      ...args,
    ],
    { cwd: ROOT },
  );
