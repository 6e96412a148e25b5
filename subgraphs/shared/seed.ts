import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../lib/config.js";
import { type NationCode, nationFile } from "../nations.js";
import type { Database } from "./database.js";
import { protectTableSql, RECORD_TABLES } from "./records.js";

const shared = (name: string) => readFileSync(fileURLToPath(new URL(`./${name}`, import.meta.url)), "utf8");

/**
 * The shape of the tables a seeded database holds. 1: records without
 * labels, no row-level security; 2: labelled records behind row-level
 * security, with retention. A database of another version is never served.
 */
export const SCHEMA_VERSION = 2;

/** A database seeded by another version of Tearline's tables: serving it could bypass row-level security. */
export class SchemaVersionMismatch extends ConfigError {
  constructor(
    readonly nation: NationCode,
    readonly found: number,
  ) {
    super(
      found < SCHEMA_VERSION
        ? `${nation}'s database was seeded by Tearline schema version ${found} (records without labels and without row-level security); this version needs ${SCHEMA_VERSION} and will not serve it. Nothing was changed: move its data to the new tables, or point the nation at an empty database, which is seeded on start.`
        : `${nation}'s database was seeded by Tearline schema version ${found}, newer than this version (${SCHEMA_VERSION}); nothing was changed.`,
    );
  }
}

/** The version in the database's seed marker; undefined for a database never seeded. The first marker had no version: 1. */
export async function seededVersion(db: Database): Promise<number | undefined> {
  const [marker] = await db.query<{ present: boolean }>("SELECT to_regclass('public.tearline_seed') IS NOT NULL AS present");
  if (!marker?.present) return undefined;
  const [row] = await db.query<{ version: number | null }>(
    "SELECT (to_jsonb(s) ->> 'schema_version')::int AS version FROM tearline_seed s LIMIT 1",
  );
  return row?.version ?? 1;
}

/**
 * Creates a nation's tables, loads its seed data and puts every record table
 * behind row-level security, once: a marker table, written in the same
 * transaction, tells a seeded database (and its schema version) from a fresh
 * one. Makes sure of the reader role first, every time: it belongs to the
 * cluster, not to this database. Throws SchemaVersionMismatch for a database
 * of another version.
 */
export async function ensureSeeded(db: Database, nation: NationCode): Promise<"seeded" | "existing"> {
  await db.exec(shared("reader-role.sql"));
  const version = await seededVersion(db);
  if (version === SCHEMA_VERSION) return "existing";
  if (version !== undefined) throw new SchemaVersionMismatch(nation, version);
  const script = [
    shared("row-security.sql"),
    shared("reports.sql"),
    readFileSync(nationFile(nation, "tables.sql"), "utf8"),
    readFileSync(nationFile(nation, "seed.sql"), "utf8"),
    ...RECORD_TABLES[nation].map(protectTableSql),
    `CREATE TABLE tearline_seed (nation text NOT NULL, schema_version int NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());`,
    `INSERT INTO tearline_seed (nation, schema_version) VALUES ('${nation}', ${SCHEMA_VERSION});`,
  ].join("\n");
  await db.exec(`BEGIN;\n${script}\nCOMMIT;`);
  return "seeded";
}
