import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";

/**
 * A maker of temporary folders for the tests of the calling file (or describe block), removed after each test, or
 * with `"all"` once its tests are over: for a folder made in `beforeAll`, or one a process reads until `afterAll`
 * stops it. Call it at the top of the file so that its removal comes after the blocks' own `afterAll`s.
 */
export function temporaryFolders(when: "each" | "all" = "each"): (prefix: string) => string {
  const made: string[] = [];
  (when === "each" ? afterEach : afterAll)(() => {
    for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  return (prefix) => {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    made.push(folder);
    return folder;
  };
}
