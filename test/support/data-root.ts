import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { emptyCluster } from "../../scripts/stack/pglite-template.js";
import { NATIONS } from "../../subgraphs/nations.js";

/** A fresh folder holding one empty PGlite data directory per nation. */
export async function freshDataRoot(): Promise<string> {
  const template = await emptyCluster();
  const root = mkdtempSync(join(tmpdir(), "tearline-data-"));
  for (const nation of NATIONS) cpSync(template, join(root, nation), { recursive: true });
  return root;
}

/**
 * The folders freshPglite made for the test file that imports this module,
 * removed after its tests: registered at import, this is the file's first
 * `afterAll`, so it runs after every other `afterAll` (they run in reverse),
 * once those have closed the file's databases. Close a database in an
 * `afterAll`, not in a cleanup returned by `beforeAll`: vitest runs those
 * after every `afterAll`, this one included.
 */
const madeDatabases: string[] = [];
afterAll(() => {
  for (const folder of madeDatabases.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh, empty PGlite data directory of its own, copied from the template; removed after the file's tests. */
export async function freshPglite(): Promise<{ dataDir: string }> {
  const template = await emptyCluster();
  const folder = mkdtempSync(join(tmpdir(), "tearline-db-"));
  madeDatabases.push(folder);
  const dataDir = join(folder, "db");
  cpSync(template, dataDir, { recursive: true });
  return { dataDir };
}
