import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../lib/logger.js";
import type { Database, RowAccess } from "../../subgraphs/shared/database.js";
import { DATABASE_LOCK, DatabaseBusy, openForMaintenance, openNationDatabase } from "../../subgraphs/shared/nation-database.js";
import { applyRetention, parseRetention, purgeExpired } from "../../subgraphs/shared/retention.js";
import { freshPglite } from "../support/data-root.js";
import { purgeCommand } from "../support/row-labels.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const DAY_MS = 86_400_000;
const log = logger("test");
const folder = temporaryFolders();
const FRA_TOP_SECRET: RowAccess = { nation: "FRA", clearanceRank: 4, groups: ["FRA", "EU", "NATO"] };
const retention = (periods: Record<string, string>) => parseRetention(periods, "FRA", "test");

/** A period in whole days that expires about half of `times` (seed data is fixed, the clock is not). */
function halfway(times: Date[]): { period: string; cutoff: number } {
  const sorted = times.map((t) => t.getTime()).sort((a, b) => a - b);
  const days = Math.ceil((Date.now() - sorted[Math.floor(sorted.length / 2)]!) / DAY_MS);
  return { period: `P${days}D`, cutoff: Date.now() - days * DAY_MS };
}

describe("retention: expired records are never served, and the purge deletes them (FRA on PGlite)", () => {
  let dataDir: string;
  let db: Database;
  let assessedAt: Date[];
  let collectedAt: Date[];
  const count = async (table: string) => (await db.queryAs<{ n: number }>(FRA_TOP_SECRET, `SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  beforeAll(async () => {
    ({ dataDir } = await freshPglite());
    db = await openNationDatabase("FRA", { dataDir }, retention({ assessments: "forever", reports: "forever" }), log);
    assessedAt = (await db.query<{ t: Date }>("SELECT assessed_at AS t FROM assessments")).map((r) => r.t);
    collectedAt = (await db.query<{ t: Date }>("SELECT collected_at AS t FROM reports")).map((r) => r.t);
  });
  afterAll(() => db?.close());

  it("hides a record older than its type's period from every caller, by the record's own time", async () => {
    const { period, cutoff } = halfway(assessedAt);
    await applyRetention(db, retention({ assessments: period, reports: "forever" }));
    const served = await db.queryAs<{ t: Date }>(FRA_TOP_SECRET, "SELECT assessed_at AS t FROM assessments");
    const kept = assessedAt.filter((t) => t.getTime() >= cutoff + 60_000);
    expect(served.length).toBeGreaterThanOrEqual(kept.length);
    expect(served.length).toBeLessThan(assessedAt.length);
    expect(served.every((r) => r.t.getTime() >= cutoff - 60_000)).toBe(true);
    expect(await count("reports")).toBe(collectedAt.length);
  });

  it("serves nothing of a record type the database holds no period for (fail closed)", async () => {
    await db.maintain((query) => query("DELETE FROM tearline_retention WHERE record_type = 'reports'"));
    expect(await count("reports")).toBe(0);
    await applyRetention(db, retention({ assessments: "forever", reports: "forever" }));
    expect(await count("reports")).toBe(collectedAt.length);
  });

  it("deletes what has expired, counts it per record type, and a second purge finds nothing", async () => {
    const { period, cutoff } = halfway(assessedAt);
    const before = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM assessments WHERE assessed_at < $1", [new Date(cutoff)]);
    const deleted = await purgeExpired(db, "FRA", retention({ assessments: period, reports: "forever" }));
    expect([...deleted]).toEqual([
      ["assessments", expect.any(Number)],
      ["reports", 0],
    ]);
    expect(Math.abs(deleted.get("assessments")! - before[0]!.n)).toBeLessThanOrEqual(1); // a record at the cutoff's second
    expect(deleted.get("assessments")).toBeGreaterThan(0);
    expect((await db.query("SELECT actor_id FROM assessments")).length).toBe(assessedAt.length - deleted.get("assessments")!);
    expect([...(await purgeExpired(db, "FRA", retention({ assessments: period, reports: "forever" })))]).toEqual([
      ["assessments", 0],
      ["reports", 0],
    ]);
  });

  it("refuses to open the PGlite database while its subgraph has it open, for the purge and for a second subgraph", async () => {
    await expect(openForMaintenance("FRA", { dataDir })).rejects.toBeInstanceOf(DatabaseBusy);
    await expect(openNationDatabase("FRA", { dataDir }, retention({ assessments: "P1Y", reports: "P1Y" }), log)).rejects.toThrow(
      /is open in another process/,
    );
    const refused = await purgeCommand({ DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^purge: FRA's PGlite database in .* is open in another process .*PGlite serves one process at a time/);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(await count("reports")).toBe(collectedAt.length); // still served, untouched
  });

  it("purges from the command line once the subgraph is stopped, and prints what it deleted per record type", async () => {
    await db.close();
    const { period, cutoff } = halfway(collectedAt);
    const file = join(folder("tearline-retention-"), "retention.json");
    writeFileSync(file, JSON.stringify({ assessments: "forever", reports: period }));
    const { code, stdout, stderr } = await purgeCommand({ DATA_DIR: dataDir, RETENTION_FILE: file });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^FRA purge at \\S+Z, retention ${file}:$`));
    expect(lines[1]).toMatch(/^ {2}assessments {2}forever {3}0 deleted$/);
    const reportsDeleted = Number(lines[2]!.match(new RegExp(`^ {2}reports {6}${period}\\s+(\\d+) deleted$`))?.[1]);
    expect(Math.abs(reportsDeleted - collectedAt.filter((t) => t.getTime() < cutoff).length)).toBeLessThanOrEqual(1);

    db = await openForMaintenance("FRA", { dataDir });
    expect((await db.query("SELECT id FROM reports")).length).toBe(collectedAt.length - reportsDeleted);
  });

  it("takes over the lock of a process that died holding it, and of an earlier process with this one's id", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    // The earlier process of a restarted container has the same id as this one, but this one does not hold the lock.
    for (const pid of [dead, process.pid]) {
      await db.close();
      writeFileSync(join(dataDir, DATABASE_LOCK), `${JSON.stringify({ pid, since: new Date().toISOString() })}\n`);
      db = await openForMaintenance("FRA", { dataDir });
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM assessments"))[0]!.n).toBeGreaterThan(0);
    }
  });
});
