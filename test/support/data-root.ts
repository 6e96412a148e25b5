import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emptyCluster } from "../../scripts/stack/pglite-template.js";
import { NATIONS } from "../../subgraphs/nations.js";

/** A fresh folder holding one empty PGlite data directory per nation. */
export async function freshDataRoot(): Promise<string> {
  const template = await emptyCluster();
  const root = mkdtempSync(join(tmpdir(), "tearline-data-"));
  for (const nation of NATIONS) cpSync(template, join(root, nation), { recursive: true });
  return root;
}

/** A fresh, empty PGlite data directory of its own, copied from the template. */
export async function freshPglite(): Promise<{ dataDir: string }> {
  const template = await emptyCluster();
  const dataDir = join(mkdtempSync(join(tmpdir(), "tearline-db-")), "db");
  cpSync(template, dataDir, { recursive: true });
  return { dataDir };
}
