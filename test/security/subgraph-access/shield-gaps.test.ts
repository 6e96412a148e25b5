import type { Subject } from "@tearline/policy";
import type { GraphQLError } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAgreements } from "../../support/agreements-fixture.js";
import { type NationHarness, nationHarness, ownAnalyst } from "../../support/nation-harness.js";

// The second lock in a nation's own subgraph (graphql-shield from its own labels and agreements), run in process for
// the subjects a compromised gateway (threat model b) could vouch for. All of these hold today (regression suite).

const subject = (nation: string, overrides: Partial<Subject> = {}): Subject => ({
  nation,
  clearance: "TOP_SECRET",
  compartments: new Set(["ORCHID", "HARBOR"]),
  purpose: "CT",
  scopes: new Set(["watchlist:read"]),
  ...overrides,
});
const codes = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((e) => e.extensions.code);

describe("gaps a compromised gateway might look for in the second lock", () => {
  let deu: NationHarness;
  let est: NationHarness;

  beforeAll(async () => {
    [deu, est] = await Promise.all([nationHarness("DEU"), nationHarness("EST")]);
    deu.setAgreements(openAgreements());
    est.setAgreements(openAgreements());
  });
  afterAll(async () => {
    await Promise.all([deu?.close(), est?.close()]);
  });

  it("denies a field outside the nation's own index (DEU's @external ThreatActor.name), even to DEU's own analyst", async () => {
    const result = await deu.execute(
      "query ($r: [_Any!]!) { _entities(representations: $r) { ... on ThreatActor { id name } } }",
      { r: [{ __typename: "ThreatActor", id: "TA-0001", name: "echo" }] },
      ownAnalyst("DEU"),
    );
    // name is String!: the withheld null takes its entity with it.
    expect(result.data?._entities).toEqual([null]);
    expect(result.errors?.map((e) => e.extensions.reasons)).toEqual([["UNLABELLED"]]);
    expect(JSON.stringify(result)).not.toMatch(/echo/);
  });

  it("refuses a whole entity load when one of its representations is of a type the caller may not load", async () => {
    // Norway (NATO, not EU): EST's Indicator (RESTRICTED, NATO) is fine, EST's report (NATO) too; DEU's reports are for
    // the EU and GBR only, so a load that mixes DEU ThreatActor (NATO) with DeuReport is refused whole.
    const query = "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }";
    const mixed = await deu.execute(
      query,
      {
        r: [
          { __typename: "ThreatActor", id: "TA-0001" },
          { __typename: "DeuReport", id: "DEU-R-0001" },
        ],
      },
      subject("NOR"),
    );
    expect(mixed.data?._entities ?? null).toBeNull();
    expect(codes(mixed.errors)).toEqual(["FORBIDDEN_FIELD"]);
    const alone = await deu.execute(query, { r: [{ __typename: "ThreatActor", id: "TA-0001" }] }, subject("NOR"));
    expect(alone.errors).toBeUndefined();
  });

  it("reveals no withheld entity through __typename: a load the caller may not make is refused before it runs", async () => {
    const result = await deu.execute(
      "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }",
      { r: [{ __typename: "DeuReport", id: "DEU-R-0001" }] },
      subject("NOR"),
    );
    expect(result.data?._entities ?? null).toBeNull();
    expect(deu.queries).toEqual([]);
  });

  it("decides the concrete type's field when it is selected through the Report interface", async () => {
    // EST's report body: CONFIDENTIAL, NATO, purpose CYBER only.
    const result = await est.execute(
      "{ estReports(first: 2) { ... on Report { id body } } }",
      undefined,
      subject("DEU", { purpose: "CT" }),
    );
    const reports = result.data?.estReports as Array<{ body: string | null }>;
    expect(reports.every((r) => r.body === null)).toBe(true);
    expect(new Set(result.errors?.map((e) => String(e.extensions.reasons)))).toEqual(new Set(["PURPOSE"]));
  });

  it("never runs the resolver of a withheld field: nothing is read for it", async () => {
    // EST's Indicator.actor is CONFIDENTIAL: a RESTRICTED caller reads the indicator, and no query runs for the actor.
    const result = await est.execute(
      "{ indicators(first: 1) { id actor { id estReports { id } } } }",
      undefined,
      subject("DEU", { clearance: "RESTRICTED" }),
    );
    expect(codes(result.errors)).toEqual(["FORBIDDEN_FIELD"]);
    expect(est.queries).toHaveLength(1);
  });

  it("withholds every root field from a partner the moment the nation's agreements are gone", async () => {
    est.setAgreements(new Map());
    try {
      for (const query of ["{ indicators(first: 1) { id } }", '{ indicator(value: "x") { id } }', "{ estReports(first: 1) { id } }"]) {
        const result = await est.execute(query, undefined, subject("DEU"));
        expect(
          result.errors?.map((e) => e.extensions.reasons),
          query,
        ).toEqual([["AGREEMENT"]]);
        expect(
          Object.values(result.data ?? {}).every((value) => value === null),
          query,
        ).toBe(true);
        expect(est.queries, query).toEqual([]);
      }
    } finally {
      est.setAgreements(openAgreements());
    }
  });
});
