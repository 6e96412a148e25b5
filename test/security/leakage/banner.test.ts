import { CLASSIFICATIONS, expandReleasability, type Mark, UNMARKED } from "@tearline/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReturnedRows } from "../../../gateway/fetch/row-marking.js";
import { loadCoalitionsFile } from "../../../lib/policy-files.js";
import { ROW_MARKING_EXTENSION } from "../../../lib/row-marking.js";
import { openAgreements } from "../../support/agreements-fixture.js";
import { type NationHarness, nationHarness } from "../../support/nation-harness.js";

// The banner must account for every row returned: can a subgraph's report, or a caller's choice of query, make it
// LOWER than what came back? All of these hold today (regression suite).

const TOP = CLASSIFICATIONS[CLASSIFICATIONS.length - 1]!;
const levelOf = (mark: Mark) => mark.level;

describe("the gateway's account of the rows returned", () => {
  const secretForFra = { [ROW_MARKING_EXTENSION]: { level: "SECRET", releasableTo: ["FRA"] } };

  it("cannot be lowered by a later report, however permissive", () => {
    const rows = new ReturnedRows();
    rows.note(secretForFra);
    for (const extensions of [
      { [ROW_MARKING_EXTENSION]: { level: "UNCLASSIFIED", releasableTo: ["FRA", "GBR", "DEU", "EST", "USA"] } },
      {},
      undefined,
      { other: 1 },
    ])
      rows.note(extensions as Record<string, unknown> | undefined);
    expect(levelOf(rows.mark)).toBe("SECRET");
    expect([...(rows.mark.releasableTo ?? [])]).toEqual(["FRA"]);
  });

  it("takes a report it cannot read as the most restrictive marking, never as none", () => {
    for (const marking of [
      null,
      "SECRET",
      { level: "secret", releasableTo: ["FRA"] },
      { level: "SECRET", releasableTo: "FRA" },
      { level: "SECRET", releasableTo: ["NATO"] },
      { level: "SECRET", releasableTo: ["fra"] },
      { level: "SECRET" },
      { level: "COSMIC", releasableTo: [] },
      { releasableTo: ["FRA"] },
      [],
    ]) {
      const rows = new ReturnedRows();
      rows.note({ [ROW_MARKING_EXTENSION]: marking });
      expect(levelOf(rows.mark), JSON.stringify(marking)).toBe(TOP);
      expect(rows.mark.releasableTo?.size, JSON.stringify(marking)).toBe(0);
    }
  });

  it("marks nothing only when no subgraph reported a labelled row", () => {
    const rows = new ReturnedRows();
    rows.note(undefined);
    rows.note({});
    expect(rows.mark).toEqual(UNMARKED);
  });
});

describe("a nation's report of the rows it read", () => {
  let fra: NationHarness;
  beforeAll(async () => {
    fra = await nationHarness("FRA");
    fra.setAgreements(openAgreements());
  });
  afterAll(() => fra?.close());

  it("counts rows read for an entity load, a nested list and a lookup alike", async () => {
    const [top] = await fra.owner.query<{ id: string; actor_id: string }>(
      "SELECT id, actor_id FROM reports WHERE classification = 'TOP_SECRET' AND actor_id IS NOT NULL LIMIT 1",
    );
    const entity = await fra.execute("query ($r: [_Any!]!) { _entities(representations: $r) { ... on FraReport { id } } }", {
      r: [{ __typename: "FraReport", id: top!.id }],
    });
    expect(entity.errors).toBeUndefined();
    expect(fra.lastRowMarking()?.level).toBe("TOP_SECRET");
    const nested = await fra.execute(
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on ThreatActor { fraReports(first: 100) { id } } } }",
      {
        r: [{ __typename: "ThreatActor", id: top!.actor_id }],
      },
    );
    expect(nested.errors).toBeUndefined();
    expect(fra.lastRowMarking()?.level).toBe("TOP_SECRET");
  });

  it("counts rows the caller read even when only __typename or nothing of them is selected", async () => {
    const [top] = await fra.owner.query<{ id: string }>("SELECT id FROM reports WHERE classification = 'TOP_SECRET' LIMIT 1");
    const result = await fra.execute("query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }", {
      r: [{ __typename: "FraReport", id: top!.id }],
    });
    expect(result.data?._entities).toEqual([{ __typename: "FraReport" }]);
    expect(fra.lastRowMarking()?.level).toBe("TOP_SECRET");
  });

  it("reports the releasability common to every row read, never a wider one", async () => {
    const result = await fra.execute("{ fraReports(first: 100) { id } }");
    const ids = ((result.data?.fraReports ?? []) as Array<{ id: string }>).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(1);
    const rows = await fra.owner.query<{ releasable_to: string[] }>("SELECT releasable_to FROM reports WHERE id = ANY($1)", [ids]);
    const coalitions = loadCoalitionsFile();
    const common = new Set(expandReleasability(rows[0]!.releasable_to, coalitions));
    for (const row of rows) {
      const nations = expandReleasability(row.releasable_to, coalitions);
      for (const nation of common) if (!nations.has(nation)) common.delete(nation);
    }
    expect(fra.lastRowMarking()?.releasableTo).toEqual([...common].sort());
    expect(common.size).toBeLessThan(expandReleasability(["NATO"], coalitions).size);
  });
});
