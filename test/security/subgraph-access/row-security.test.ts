import { type Classification, rank, type Subject } from "@tearline/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logger } from "../../../lib/logger.js";
import { loadCoalitionsFile } from "../../../lib/policy-files.js";
import type { NationCode } from "../../../subgraphs/nations.js";
import { loadNationStorage } from "../../../subgraphs/shared/config.js";
import { createNationContext } from "../../../subgraphs/shared/context.js";
import type { Database } from "../../../subgraphs/shared/database.js";
import { openNationDatabase } from "../../../subgraphs/shared/nation-database.js";
import { applyRetention, loadRetentionFile, parseRetention, purgeExpired } from "../../../subgraphs/shared/retention.js";
import { rowAccessFor } from "../../../subgraphs/shared/row-scope.js";
import { freshPglite } from "../../support/data-root.js";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "../../support/postgres.js";
import { analyst } from "../../support/row-labels.js";

// Threat model (d): a resolver bug (a forgotten filter, a query that fails half-way). The nation's database must still
// hide every row the caller may not read, on PGlite and on PostgreSQL. All hold except the one marked BREAK:
// "keeps an injectable resolver query in the reader role" (medium, needs a second bug; see its comment).

const log = logger("security");
const coalitions = loadCoalitionsFile();
const committedRetention = (nation: NationCode) => loadRetentionFile(loadNationStorage(nation, {}).retentionFile, nation);

interface Row {
  key: string;
  classification: Classification;
  releasable_to: string[];
}
/** What the labels allow `subject` (retention aside): the database may serve no row outside it. */
const allowedBy = (rows: Row[], subject: Subject) => {
  const groups = new Set(rowAccessFor(subject, coalitions).groups);
  return new Set(
    rows.filter((r) => rank(r.classification) <= rank(subject.clearance) && r.releasable_to.some((g) => groups.has(g))).map((r) => r.key),
  );
};
const TABLES: Record<string, string> = { reports: "id", assessments: "actor_id", threat_actors: "id" };
const SUBJECTS = [
  analyst("FRA", "CONFIDENTIAL"),
  analyst("GBR", "SECRET"),
  analyst("DEU", "TOP_SECRET"),
  analyst("POL", "TOP_SECRET"),
  analyst("NOR", "TOP_SECRET"),
  analyst("USA", "TOP_SECRET"),
  analyst("FRA", "UNCLASSIFIED"),
];
const SETTINGS = `SELECT current_user AS who, current_setting('tearline.clearance_rank', true) AS rank,
  current_setting('tearline.groups', true) AS groups, current_setting('transaction_read_only') AS ro`;

/** The checks every database must pass, PGlite or PostgreSQL. */
function rowSecurityChecks(open: (nation: NationCode) => Promise<Database>, owner: string) {
  const dbs: Database[] = [];
  const opened = async (nation: NationCode) => {
    const db = await open(nation);
    dbs.push(db);
    return db;
  };
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.close()));
  });

  it("gives a resolver that forgot every filter only the caller's rows, on every record table", async () => {
    for (const [nation, tables] of [
      ["FRA", ["reports", "assessments"]],
      ["GBR", ["threat_actors", "reports"]],
    ] as const) {
      const db = await opened(nation);
      for (const table of tables) {
        const key = TABLES[table]!;
        const all = await db.maintain((query) => query<Row>(`SELECT ${key} AS key, classification, releasable_to FROM ${table}`));
        for (const subject of SUBJECTS) {
          const ctx = createNationContext(db, { subject, requestId: "security" }, coalitions);
          const seen = (await ctx.db.query<Row>(`SELECT *, ${key} AS key FROM ${table}`)).map((r) => r.key);
          const allowed = allowedBy(all, subject);
          expect(
            seen.filter((k) => !allowed.has(k)),
            `${nation}.${table} for ${subject.nation} ${subject.clearance}`,
          ).toEqual([]);
        }
        // The check means something: some caller is denied some row of every table.
        expect(SUBJECTS.some((subject) => allowedBy(all, subject).size < all.length)).toBe(true);
      }
    }
  });

  it("leaves nothing of a caller's access on the connection, after a query that worked or one that failed", async () => {
    const db = await opened("FRA");
    const secret = rowAccessFor(analyst("FRA", "TOP_SECRET"), coalitions);
    const failures: Array<[string, unknown[]]> = [
      ["SELECT 1 / 0 AS x", []],
      ["SELECT * FROM no_such_table", []],
      ["SELECT id FROM reports WHERE id = $1::int", ["x"]],
      ["DELETE FROM reports RETURNING *", []],
      ["UPDATE reports SET classification = 'UNCLASSIFIED' RETURNING *", []],
      ["INSERT INTO reports SELECT * FROM reports RETURNING *", []],
    ];
    const attempts = Array.from({ length: 36 }, (_, i) => {
      const [sql, params] = failures[Math.floor(i / 2) % failures.length]!;
      return i % 2 === 0 ? db.queryAs(secret, "SELECT id FROM reports") : db.queryAs(secret, sql, params);
    });
    const settled = await Promise.allSettled(attempts);
    expect(settled.map((s) => s.status)).toEqual(attempts.map((_, i) => (i % 2 === 0 ? "fulfilled" : "rejected")));
    const after = await Promise.all(Array.from({ length: 12 }, () => db.query<Record<string, string>>(SETTINGS)));
    for (const row of after) expect(row).toEqual([{ who: owner, rank: "", groups: "", ro: "off" }]);
    // A caller with nothing left over sees nothing: FRA's records start at CONFIDENTIAL.
    expect(await db.queryAs(rowAccessFor(analyst("FRA", "RESTRICTED"), coalitions), "SELECT id FROM reports")).toEqual([]);
    // The writes all failed: every record is still there and unchanged.
    const counts = await db.maintain((query) =>
      query<{ n: number; u: number }>(
        "SELECT count(*)::int AS n, count(*) FILTER (WHERE classification = 'UNCLASSIFIED')::int AS u FROM reports",
      ),
    );
    expect(counts).toEqual([{ n: 220, u: 0 }]);
  });

  // Skipped, on purpose, until resolver queries run on a connection that logs in as the reader (PostgreSQL): today the
  // session user is the owner (or PGlite's superuser) and may take its role back, so an SQL injection in a resolver
  // (none exists: every resolver query is a constant with parameters) would escape row-level security. PGlite has
  // one user and cannot be fixed this way. This test is the acceptance test of that fix (a follow-up issue).
  it.skip("BREAK (medium, needs a second bug): keeps an injectable resolver query in the reader role, even within one statement", async () => {
    // Resolvers' SQL is parameterised today; this is the next line of defence if one ever is not. The connection's
    // session user (PGlite's superuser, or the tables' owner) may always take its role back, and a function that plans
    // its own query (query_to_xml) then reads as that user: row-level security is gone, maintenance policy included.
    const db = await opened("FRA");
    const nobody = rowAccessFor(analyst("NOR", "RESTRICTED"), coalitions);
    const injected = `SELECT set_config('role', '${owner}', true) AS r, set_config('tearline.maintenance', 'on', true) AS m,
      query_to_xml('SELECT count(*) AS n FROM reports', true, false, '')::text AS x`;
    const outcome = await db.queryAs<{ x: string }>(nobody, injected).then(
      (rows) => rows[0]?.x.match(/<n>(\d+)<\/n>/)?.[1],
      () => "refused",
    );
    expect(["refused", "0"]).toContain(outcome);
  });

  it("shows the reader no statistics of the rows it cannot see", async () => {
    const db = await opened("FRA");
    await db.exec("ANALYZE reports");
    const stats = await db.maintain(async (query) => {
      await query("SET LOCAL ROLE tearline_reader");
      return query<{ attname: string }>("SELECT attname FROM pg_stats WHERE tablename = 'reports'");
    });
    expect(stats).toEqual([]);
  });
}

describe("row-level security on PGlite (threat model d)", () => {
  rowSecurityChecks(async (nation) => openNationDatabase(nation, await freshPglite(), committedRetention(nation), log), "postgres");

  it("refuses a retention period so long that now() minus it would fall before PostgreSQL's earliest timestamp", () => {
    // Such a period made every query on the table fail ("timestamp out of range"), so the nation served none of those
    // records and the purge failed. It is refused at start-up instead; "forever" says the same thing safely.
    expect(() => parseRetention({ assessments: "P9999Y", reports: "P25Y" }, "FRA", "security")).toThrow(/longer than 1000 years/);
    expect(() => parseRetention({ assessments: "P1000Y", reports: "forever" }, "FRA", "security")).not.toThrow();
  });

  it("purges exactly the records it had stopped serving", async () => {
    const db = await openNationDatabase("FRA", await freshPglite(), committedRetention("FRA"), log);
    try {
      const access = rowAccessFor(analyst("FRA", "TOP_SECRET"), coalitions);
      // A period in days that expires about half of the reports, whatever today's date.
      const times = (await db.maintain((query) => query<{ t: Date }>("SELECT collected_at AS t FROM reports ORDER BY 1"))).map((r) => r.t);
      const days = Math.ceil((Date.now() - times[Math.floor(times.length / 2)]!.getTime()) / 86_400_000);
      const retention = parseRetention({ assessments: "forever", reports: `P${days}D` }, "FRA", "security");
      await applyRetention(db, retention);
      const served = (await db.queryAs<{ id: string }>(access, "SELECT id FROM reports")).map((r) => r.id).sort();
      const before = await db.maintain((query) => query<{ n: number }>("SELECT count(*)::int AS n FROM reports"));
      expect(served.length).toBeLessThan(before[0]!.n);
      const deleted = await purgeExpired(db, "FRA", retention);
      const left = (await db.maintain((query) => query<{ id: string }>("SELECT id FROM reports"))).map((r) => r.id).sort();
      expect(left).toEqual(served);
      expect(deleted.get("reports")).toBe(before[0]!.n - served.length);
    } finally {
      await db.close();
    }
  });
});

const binDir = postgresBinDir();
describe.skipIf(!binDir)("row-level security on a real PostgreSQL, pooled connections (threat model d)", () => {
  let pg: TempPostgres;
  let n = 0;
  beforeAll(async () => {
    pg = await startTempPostgres(binDir!);
  });
  afterAll(() => {
    pg?.stop();
  });
  rowSecurityChecks(async (nation) => {
    const name = `${nation.toLowerCase()}_security_${n++}`;
    pg.createDatabase(name);
    return openNationDatabase(nation, { databaseUrl: pg.url(name) }, committedRetention(nation), log);
  }, "tearline");
});
