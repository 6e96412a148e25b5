import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { NATIONS } from "../../subgraphs/nations.js";

const CACHE = fileURLToPath(new URL("../../node_modules/.cache/tearline/", import.meta.url));
const TEMPLATE = join(CACHE, "pglite-empty-cluster");

/**
 * An empty PGlite cluster, made once per machine: initdb takes seconds, a copy
 * of its result does not. Each nation still creates and seeds its own tables.
 */
let pending: Promise<string> | undefined;
const emptyCluster = () => (pending ??= buildEmptyCluster());

async function buildEmptyCluster(): Promise<string> {
  if (existsSync(TEMPLATE)) return TEMPLATE;
  mkdirSync(CACHE, { recursive: true });
  const building = `${TEMPLATE}.${process.pid}`;
  const db = new PGlite(building);
  await db.waitReady;
  await db.close();
  try {
    renameSync(building, TEMPLATE);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another worker won the race
  }
  return TEMPLATE;
}

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
