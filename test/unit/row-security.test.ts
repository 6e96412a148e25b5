import { type Classification, rank, type Subject } from "@tearline/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { createNationContext, type NationContext } from "../../subgraphs/shared/context.js";
import type { Query } from "../../subgraphs/shared/database.js";
import { UnlabelledRow } from "../../subgraphs/shared/row-scope.js";
import { type NationHarness, nationHarness } from "../support/nation-harness.js";
import { allowedIds, analyst, type LabelledRow } from "../support/row-labels.js";

// One seeded FRA database for the whole file: FRA's reports carry labels from RESTRICTED-free CONFIDENTIAL up to
// TOP_SECRET, releasable to EU and GBR, to the EU alone, or to FRA alone (scripts/seed/labels.ts).
const coalitions = loadCoalitionsFile();
/** A resolver that forgot its filter: every report, no WHERE, no label columns asked for by name. */
const forgetful = (ctx: NationContext) => ctx.db.query<LabelledRow>("SELECT * FROM reports");

describe("row-level security in the nation's own database (FRA on PGlite)", () => {
  let fra: NationHarness;
  let all: LabelledRow[];
  const contextFor = (subject: Subject) => createNationContext(fra.owner, { subject, requestId: "test" }, coalitions);
  const idsAs = async (subject: Subject) => (await forgetful(contextFor(subject))).map((r) => r.id).sort();
  const allowed = (subject: Subject) => allowedIds(all, subject, coalitions);

  beforeAll(async () => {
    fra = await nationHarness("FRA");
    all = await fra.owner.query<LabelledRow>("SELECT id, classification, releasable_to FROM reports");
  });
  afterAll(() => fra?.close());

  it("holds a realistic share of records above the field's label, and some for FRA or the EU alone", () => {
    const above = all.filter((r) => rank(r.classification) > rank("CONFIDENTIAL")).length / all.length;
    expect(above).toBeGreaterThan(0.18);
    expect(above).toBeLessThan(0.4);
    expect(all.some((r) => r.releasable_to.join() === "FRA")).toBe(true);
    expect(all.some((r) => r.releasable_to.join() === "FRA,EU")).toBe(true);
  });

  it("hides a row above the caller's clearance, even from a resolver that forgot its filter", async () => {
    const confidential = await idsAs(analyst("FRA", "CONFIDENTIAL"));
    expect(confidential).toEqual(allowed(analyst("FRA", "CONFIDENTIAL")));
    expect(confidential.length).toBeGreaterThan(100);
    expect(confidential.length).toBeLessThan(all.length);
    expect(await idsAs(analyst("FRA", "TOP_SECRET"))).toHaveLength(all.length);
    expect(await idsAs(analyst("FRA", "RESTRICTED"))).toEqual([]);
  });

  it("hides a row not releasable to the caller's nation, and releases through coalition membership", async () => {
    const gbr = await idsAs(analyst("GBR", "TOP_SECRET"));
    expect(gbr).toEqual(allowed(analyst("GBR", "TOP_SECRET")));
    expect(gbr.length).toBeLessThan(all.length);
    // Poland is named by no row; it sees what the EU is given, and Norway (NATO, not EU) sees none of it.
    const poland = await idsAs(analyst("POL", "TOP_SECRET"));
    expect(poland).toEqual(allowed(analyst("POL", "TOP_SECRET")));
    expect(poland.length).toBeGreaterThan(gbr.length);
    expect(await idsAs(analyst("NOR", "TOP_SECRET"))).toEqual([]);
  });

  it("serves nothing to a query without the caller's settings, also after a query that had them", async () => {
    await idsAs(analyst("FRA", "TOP_SECRET")); // its transaction-local settings have ended: they now read ''
    await fra.owner.query("SELECT set_config('role', 'tearline_reader', false)");
    try {
      expect(await fra.owner.query("SELECT current_user AS who")).toEqual([{ who: "tearline_reader" }]);
      expect(await fra.owner.query("SELECT id FROM reports")).toEqual([]);
      expect(await fra.owner.query("SELECT actor_id FROM assessments")).toEqual([]);
    } finally {
      await fra.owner.query("RESET ROLE");
    }
  });

  it("is enforced by the role: the same query as the owner (a superuser here) sees every row", async () => {
    expect(await fra.owner.query("SELECT id FROM reports")).toHaveLength(all.length);
    expect(await fra.owner.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: true }]);
  });

  it("puts a table's owner under the policies too (FORCE): a non-superuser owner sees nothing, without FORCE everything", async () => {
    // Done inside a transaction that is rolled back, so that the rest of the file keeps the real ownership.
    const counted = await rolledBack(fra.owner.maintain.bind(fra.owner), async (query) => {
      await query("CREATE ROLE fra_owner_probe NOLOGIN");
      await query("ALTER TABLE reports OWNER TO fra_owner_probe");
      await query("SET LOCAL ROLE fra_owner_probe");
      const forced = await query<{ n: number }>("SELECT count(*)::int AS n FROM reports");
      await query("ALTER TABLE reports NO FORCE ROW LEVEL SECURITY");
      const unforced = await query<{ n: number }>("SELECT count(*)::int AS n FROM reports");
      return [forced[0]!.n, unforced[0]!.n];
    });
    expect(counted).toEqual([0, all.length]);
  });

  it("puts every record table behind forced row-level security, with its release and maintenance policies", async () => {
    const flags = await fra.owner.query<{ rls: boolean; forced: boolean; policies: number }>(
      `SELECT c.relrowsecurity AS rls, c.relforcerowsecurity AS forced, (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
       FROM pg_class c WHERE c.relname IN ('reports', 'assessments')`,
    );
    expect(flags).toEqual([
      { rls: true, forced: true, policies: 2 },
      { rls: true, forced: true, policies: 2 },
    ]);
  });

  it("gives a lookup by id null and leaves a withheld row out of a list, through the nation's real resolvers", async () => {
    const secret = all.find((r) => r.classification === "SECRET" && r.releasable_to.includes("EU"))!;
    const confidential = all.find((r) => r.classification === "CONFIDENTIAL")!;
    const entities = await fra.execute(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on FraReport { id } } }`,
      { r: [secret, confidential].map((r) => ({ __typename: "FraReport", id: r.id })) },
      analyst("FRA", "CONFIDENTIAL"),
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data?._entities).toEqual([null, { id: confidential.id }]);

    const list = await fra.execute("{ fraReports(first: 100) { id } }", {}, analyst("FRA", "CONFIDENTIAL"));
    const listed = (list.data!.fraReports as Array<{ id: string }>).map((r) => r.id);
    expect(listed).toHaveLength(100);
    expect(listed.every((id) => allowed(analyst("FRA", "CONFIDENTIAL")).includes(id))).toBe(true);
  });

  it("notes the labels of the rows read, for the banner", async () => {
    await fra.execute("{ fraReports(first: 100) { id } }", {}, analyst("FRA", "CONFIDENTIAL"));
    expect(fra.lastRowMarking()).toEqual({ level: "CONFIDENTIAL", releasableTo: ["FRA"] });
    const top = await fra.execute("{ fraReports(first: 100) { id } }", {}, analyst("FRA", "TOP_SECRET"));
    expect(top.errors).toBeUndefined();
    expect(fra.lastRowMarking()?.level).toBe("TOP_SECRET");
  });

  it("refuses a row read without its labels rather than under-mark the banner", async () => {
    const ctx = contextFor(analyst("FRA", "TOP_SECRET"));
    await expect(ctx.db.query("SELECT id FROM reports LIMIT 1")).rejects.toBeInstanceOf(UnlabelledRow);
    // Half the labels is no label: a level without its releasability (or the other way round) is refused too.
    await expect(ctx.db.query(`SELECT id, classification AS "rowClassification" FROM reports LIMIT 1`)).rejects.toThrow(
      'a row was read without its labels; select classification AS "rowClassification", releasable_to AS "rowReleasableTo"',
    );
    await expect(ctx.db.query(`SELECT id, releasable_to AS "rowReleasableTo" FROM reports LIMIT 1`)).rejects.toBeInstanceOf(UnlabelledRow);
  });

  it("ranks levels in SQL exactly as the policy package does, and refuses a level that is not one", async () => {
    const ranks = await fra.owner.query<{ level: string; rank: number | null }>(
      `SELECT level, tearline_level_rank(level) AS rank FROM unnest(ARRAY['UNCLASSIFIED', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET', 'TOP_SECRET', 'COSMIC']) AS level`,
    );
    expect(ranks.map((r) => r.rank)).toEqual([0, 1, 2, 3, 4, null]);
    expect(ranks.slice(0, 5).every((r) => r.rank === rank(r.level as Classification))).toBe(true);
    await expect(fra.owner.query("UPDATE reports SET classification = 'COSMIC' WHERE id = 'FRA-R-0001'")).rejects.toThrow(/tearline_level/);
  });
});

/** Runs `work` in a maintenance transaction and rolls it back, returning what it returned. */
async function rolledBack<T>(
  maintain: <R>(work: (query: Query) => Promise<R>) => Promise<R>,
  work: (query: Query) => Promise<T>,
): Promise<T> {
  const undo = new Error("roll back");
  let result: T | undefined;
  await expect(
    maintain(async (query) => {
      result = await work(query);
      throw undo;
    }),
  ).rejects.toBe(undo);
  return result as T;
}
