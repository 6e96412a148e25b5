import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPglite } from "../../lib/open-pglite.js";

const CACHE = fileURLToPath(new URL("../../node_modules/.cache/tearline/", import.meta.url));

/** The installed PGlite's version: a cluster made by one release is not copied into a database another opens. */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
}

let pending: Promise<string> | undefined;

/**
 * An empty PGlite cluster, made once per machine and PGlite release: initdb
 * takes seconds (several times that when four nations run it at once on two
 * cores), a copy of its result a few milliseconds. Built aside and renamed
 * into place, so that a crash mid-build leaves no half cluster to copy.
 */
export const emptyCluster = (): Promise<string> => (pending ??= buildEmptyCluster());

async function buildEmptyCluster(): Promise<string> {
  const template = join(CACHE, `pglite-empty-cluster-${pgliteVersion()}`);
  if (existsSync(template)) return template;
  mkdirSync(CACHE, { recursive: true });
  const building = `${template}.${process.pid}`;
  const db = openPglite(building);
  await db.waitReady;
  await db.close();
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another process won the race
  }
  return template;
}

/** Whether `dataDir` already holds a PostgreSQL cluster (initdb writes PG_VERSION first of all). */
const holdsCluster = (dataDir: string) => existsSync(join(dataDir, "PG_VERSION"));

/**
 * Gives `dataDir` an empty cluster copied from the template unless it already
 * has one; each nation still creates and seeds its own tables on its first
 * start. Files already there (the nation's agreements) are kept.
 */
export async function ensureCluster(dataDir: string): Promise<void> {
  if (holdsCluster(dataDir)) return;
  cpSync(await emptyCluster(), dataDir, { recursive: true });
}
