import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type NationCode, nationFile } from "../nations.js";
import type { Database } from "./database.js";

const SHARED_TABLES = fileURLToPath(new URL("./reports.sql", import.meta.url));

/**
 * Creates a nation's tables and loads its seed data, once. A marker table,
 * written in the same transaction, tells a seeded database from a fresh one.
 */
export async function ensureSeeded(db: Database, nation: NationCode): Promise<"seeded" | "existing"> {
  const [marker] = await db.query<{ present: boolean }>("SELECT to_regclass('public.tearline_seed') IS NOT NULL AS present");
  if (marker?.present) return "existing";
  const script = [
    readFileSync(SHARED_TABLES, "utf8"),
    readFileSync(nationFile(nation, "tables.sql"), "utf8"),
    readFileSync(nationFile(nation, "seed.sql"), "utf8"),
    `CREATE TABLE tearline_seed (nation text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());`,
    `INSERT INTO tearline_seed (nation) VALUES ('${nation}');`,
  ].join("\n");
  await db.exec(`BEGIN;\n${script}\nCOMMIT;`);
  return "seeded";
}
