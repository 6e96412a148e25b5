import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { logger } from "../../lib/logger.js";
import { type Database, openDatabase } from "../../subgraphs/shared/database.js";
import { DATABASE_LOCK, openNationDatabase } from "../../subgraphs/shared/nation-database.js";
import { parseRetention } from "../../subgraphs/shared/retention.js";
import { ensureSeeded, SCHEMA_VERSION, SchemaVersionMismatch, seededVersion } from "../../subgraphs/shared/seed.js";
import { freshPglite } from "../support/data-root.js";

// A database as the first schema left it: records without labels, and a seed marker without a version.
const FIRST_SCHEMA = `
  CREATE TABLE reports (id text PRIMARY KEY, title text NOT NULL);
  INSERT INTO reports VALUES ('FRA-R-OLD', 'seeded before records had labels');
  CREATE TABLE tearline_seed (nation text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());
  INSERT INTO tearline_seed (nation) VALUES ('FRA');`;
const AGREEMENTS = "agreements.jws";

describe("a database seeded by another schema version is never served as it is", () => {
  const log = logger("test");
  let dataDir: string;
  let db: Database | undefined;

  const retention = parseRetention({ assessments: "P10Y", reports: "P25Y" }, "FRA", "test");

  // The first schema's database, marked at first as seeded by a version newer than this one.
  beforeAll(async () => {
    ({ dataDir } = await freshPglite());
    const old = await openDatabase({ dataDir });
    await old.exec(`${FIRST_SCHEMA} ALTER TABLE tearline_seed ADD COLUMN schema_version int; UPDATE tearline_seed SET schema_version = 3;`);
    await old.close();
    writeFileSync(join(dataDir, AGREEMENTS), "the nation's signed agreements");
  });
  afterAll(() => db?.close());

  it("refuses a database of another version without changing it: a newer one even on PGlite, an older one on PostgreSQL", async () => {
    await expect(openNationDatabase("FRA", { dataDir }, retention, log)).rejects.toThrow(
      /seeded by Tearline schema version 3, newer than this version \(2\); nothing was changed/,
    );
    expect(existsSync(join(dataDir, DATABASE_LOCK))).toBe(false); // given back on the way out
    const old = await openDatabase({ dataDir });
    try {
      // A marker of the first schema has no version at all: what ensureSeeded (and so PostgreSQL) refuses.
      await old.exec("UPDATE tearline_seed SET schema_version = NULL");
      expect(await seededVersion(old)).toBe(1);
      await expect(ensureSeeded(old, "FRA")).rejects.toThrow(new SchemaVersionMismatch("FRA", 1));
      expect(new SchemaVersionMismatch("FRA", 1).message).toMatch(/version 1 \(records without labels.*Nothing was changed/);
      expect(await old.query("SELECT id FROM reports")).toEqual([{ id: "FRA-R-OLD" }]);
      expect(await old.query("SELECT to_regclass('public.tearline_retention') IS NULL AS untouched")).toEqual([{ untouched: true }]);
    } finally {
      await old.close();
    }
  });

  it("sets an older PGlite database's tables aside, seeds new ones beside them, keeps the nation's files, and says so", async () => {
    const warn = vi.spyOn(log, "warn");
    db = await openNationDatabase("FRA", { dataDir }, retention, log);

    expect(await seededVersion(db)).toBe(SCHEMA_VERSION);
    const reports = await db.query<{ id: string; classification: string }>("SELECT id, classification FROM reports");
    expect(reports).toHaveLength(220);
    expect(reports.every((r) => r.id !== "FRA-R-OLD" && r.classification)).toBe(true);
    expect(readFileSync(join(dataDir, AGREEMENTS), "utf8")).toBe("the nation's signed agreements");
    expect(warn).toHaveBeenCalledWith(
      { schema: "tearline_schema_v1", found: 1, version: SCHEMA_VERSION },
      expect.stringMatching(/set aside/),
    );
  });

  it("keeps the old records for the owner, out of the reader role's reach", async () => {
    expect(await db!.query("SELECT id FROM tearline_schema_v1.reports")).toEqual([{ id: "FRA-R-OLD" }]);
    const access = { nation: "FRA", clearanceRank: 4, groups: ["FRA"] };
    await expect(db!.queryAs(access, "SELECT id FROM tearline_schema_v1.reports")).rejects.toThrow(/permission denied for schema/);
    expect(await db!.queryAs(access, "SELECT count(*)::int AS n FROM reports")).toEqual([{ n: 220 }]);
  });

  it("takes a database of this version as it is", async () => {
    expect(await ensureSeeded(db!, "FRA")).toBe("existing");
  });
});
