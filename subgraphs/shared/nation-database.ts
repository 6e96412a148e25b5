import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { acquireLockFile, LockFileBusy, readIfPresent, removeIfPresent } from "../../lib/atomic-files.js";
import { ConfigError } from "../../lib/config.js";
import type { Logger } from "../../lib/logger.js";
import type { NationCode } from "../nations.js";
import { type Database, type DatabaseLocation, openDatabase } from "./database.js";
import { applyRetention, type Retention } from "./retention.js";
import { ensureSeeded, SCHEMA_VERSION, SchemaVersionMismatch, seededVersion } from "./seed.js";

/** The lock file a process holds, in a PGlite database's folder, while it has the database open. */
export const DATABASE_LOCK = "database.lock";

/** The PGlite database is open in another live process (the nation's subgraph, or a purge). */
export class DatabaseBusy extends ConfigError {}

/** The locks this process holds, by path. */
const held = new Set<string>();

/** The process id a lock file names, if it names one. */
async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = (JSON.parse((await readIfPresent(path)) ?? "null") as { pid?: unknown } | null)?.pid;
    return typeof pid === "number" ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PGlite is one process's database: a second process writing the same folder
 * would corrupt it. Whoever opens it holds a lock file there for as long
 * (the subgraph for its whole life); a lock whose process is gone is taken
 * over, and so is one naming this very process that this process does not
 * hold: a container restarted gives its process the same id again.
 */
async function lockPglite(dataDir: string, nation: NationCode): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_LOCK);
  if (!held.has(path) && (await holderOf(path)) === process.pid) await removeIfPresent(path);
  let release: () => Promise<void>;
  try {
    release = await acquireLockFile(path, { waitMs: 1_000, retryMs: 50, staleMs: 0 });
  } catch (error) {
    if (!(error instanceof LockFileBusy)) throw error;
    throw new DatabaseBusy(
      `${nation}'s PGlite database in ${dataDir} is open in another process (its subgraph, or a purge; lock ${path}). PGlite serves one process at a time: stop that process first, or remove the lock if none is running.`,
    );
  }
  held.add(path);
  return async () => {
    held.delete(path);
    await release();
  };
}

/** The database, whose close also gives its lock back. */
const releasingOnClose = (db: Database, release: () => Promise<void>): Database => ({
  kind: db.kind,
  query: (sql, params) => db.query(sql, params),
  queryAs: (access, sql, params) => db.queryAs(access, sql, params),
  maintain: (work) => db.maintain(work),
  exec: (sql) => db.exec(sql),
  close: async () => {
    try {
      await db.close();
    } finally {
      await release();
    }
  },
});

/** Where an older schema's tables are kept once set aside: the reader role may not even look into it. */
export const setAsideSchema = (version: number) => `tearline_schema_v${version}`;

/**
 * Sets a PGlite database's tables of an older schema aside, in one
 * transaction: its public schema is renamed, closed to everyone but the
 * owner, and an empty one takes its place, as in a new database. The old
 * records stay in the same database, for the operator to move or drop.
 */
async function setAside(db: Database, version: number): Promise<string> {
  const aside = setAsideSchema(version);
  await db.exec(`BEGIN;
ALTER SCHEMA public RENAME TO ${aside};
REVOKE ALL ON SCHEMA ${aside} FROM PUBLIC;
CREATE SCHEMA public;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMIT;`);
  return aside;
}

/**
 * Opens the nation's database, locked when it is PGlite, and `prepare`s it;
 * the database (whose close gives the lock back), or nothing held at all.
 */
async function openLocked(nation: NationCode, location: DatabaseLocation, prepare: (db: Database) => Promise<void>): Promise<Database> {
  const release = "dataDir" in location ? await lockPglite(location.dataDir, nation) : async () => undefined;
  let db: Database | undefined;
  try {
    db = await openDatabase(location);
    await prepare(db);
    return releasingOnClose(db, release);
  } catch (error) {
    await db?.close().catch(() => undefined);
    await release();
    throw error;
  }
}

/**
 * The nation's database, ready to serve: locked (PGlite), seeded once,
 * behind row-level security, with the nation's retention in force. The
 * tables of a PGlite database seeded by an older schema (records without
 * labels) are set aside and new ones seeded, with a warning; a PostgreSQL
 * database of another schema is refused (SchemaVersionMismatch): it is the
 * operator's, and may be shared, so Tearline changes nothing in it.
 */
export function openNationDatabase(nation: NationCode, location: DatabaseLocation, retention: Retention, log: Logger): Promise<Database> {
  return openLocked(nation, location, async (db) => {
    let seeded: "seeded" | "existing";
    try {
      seeded = await ensureSeeded(db, nation);
    } catch (error) {
      if (!(error instanceof SchemaVersionMismatch && "dataDir" in location && error.found < SCHEMA_VERSION)) throw error;
      const aside = await setAside(db, error.found);
      log.warn(
        { schema: aside, found: error.found, version: SCHEMA_VERSION },
        `tables of an older schema (records without labels) set aside in schema ${aside}; DROP SCHEMA ${aside} CASCADE once they are moved`,
      );
      seeded = await ensureSeeded(db, nation);
    }
    if (seeded === "seeded") log.info({ schemaVersion: SCHEMA_VERSION }, "database initialised with seed data");
    await applyRetention(db, retention);
  });
}

/**
 * The nation's database for maintenance (the purge): locked like the
 * subgraph's, and only if it was seeded by this schema version; never seeds.
 */
export function openForMaintenance(nation: NationCode, location: DatabaseLocation): Promise<Database> {
  // Opening a folder without a database would create one: a mistyped DATA_DIR must not.
  if ("dataDir" in location && !existsSync(join(location.dataDir, "PG_VERSION")))
    return Promise.reject(
      new ConfigError(`there is no PGlite database in ${location.dataDir} (${nation}'s DATA_DIR, or DATA_ROOT/${nation})`),
    );
  return openLocked(nation, location, async (db) => {
    const version = await seededVersion(db);
    if (version === undefined) throw new ConfigError(`${nation}'s database has never been seeded: start its subgraph first`);
    if (version !== SCHEMA_VERSION) throw new SchemaVersionMismatch(nation, version);
  });
}
