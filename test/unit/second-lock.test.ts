import type { AgreementDocument, AgreementTerms, Subject } from "@tearline/policy";
import type { GraphQLError } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type NationHarness, nationHarness } from "../support/nation-harness.js";

// The second lock inside a nation's subgraph: graphql-shield rules from the nation's own labels and agreements,
// deciding again what a (possibly compromised) gateway sends with a valid envelope.

const NOW = Date.parse("2026-06-01T12:00:00Z");
let now = NOW;
let fra: NationHarness;

beforeAll(async () => {
  fra = await nationHarness("FRA", { now: () => now });
});
afterAll(() => fra.close());
beforeEach(() => {
  now = NOW;
  fra.setAgreements(new Map());
});

const analyst = (nation: string, overrides: Partial<Subject> = {}): Subject => ({
  nation,
  clearance: "SECRET",
  compartments: new Set(["ORCHID"]),
  purpose: "CYBER",
  scopes: new Set(),
  ...overrides,
});

const terms = (overrides: Partial<AgreementTerms> = {}): AgreementTerms => ({
  status: "ACTIVE",
  validFrom: NOW - 86_400_000,
  expires: NOW + 86_400_000,
  ceiling: "SECRET",
  purposes: new Set(["CYBER", "CT"]),
  covers: null,
  ...overrides,
});

const fraShares = (partners: Record<string, AgreementTerms>, version = 1) =>
  new Map<string, AgreementDocument>([
    ["FRA", { nation: "FRA", version, issuedAt: NOW - 1000, partners: new Map(Object.entries(partners)) }],
  ]);

const REPORTS = "{ fraReports(first: 2) { id title } }";
const codes = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((e) => [e.extensions.code, e.extensions.reasons]);

describe("the second lock decides every field again", () => {
  it("lets the nation's own analyst read its reports", async () => {
    const result = await fra.execute(REPORTS);
    expect(result.errors).toBeUndefined();
    expect(result.data?.fraReports).toHaveLength(2);
  });

  it("withholds everything from a partner the nation has no agreement with, whatever the gateway sent", async () => {
    const result = await fra.execute(REPORTS, {}, analyst("GBR"));
    expect(result.data?.fraReports ?? null).toBeNull();
    expect(codes(result.errors)).toEqual([["FORBIDDEN_FIELD", ["AGREEMENT"]]]);
    expect(JSON.stringify(result)).not.toMatch(/FRA-R-/);
  });

  it("releases to a partner under an active agreement, and stops the moment the nation pauses it", async () => {
    fra.setAgreements(fraShares({ GBR: terms() }));
    const shared = await fra.execute(REPORTS, {}, analyst("GBR"));
    expect(shared.errors).toBeUndefined();
    expect(shared.data?.fraReports).toHaveLength(2);

    fra.setAgreements(fraShares({ GBR: terms({ status: "PAUSED" }) }, 2));
    const paused = await fra.execute(REPORTS, {}, analyst("GBR"));
    expect(paused.data?.fraReports ?? null).toBeNull();
    expect(codes(paused.errors)).toEqual([["FORBIDDEN_FIELD", ["AGREEMENT"]]]);
  });

  it("does not serve a remembered decision past the agreement's expiry", async () => {
    fra.setAgreements(fraShares({ GBR: terms({ expires: NOW + 1000 }) }));
    expect((await fra.execute(REPORTS, {}, analyst("GBR"))).errors).toBeUndefined();
    now = NOW + 1000;
    expect(codes((await fra.execute(REPORTS, {}, analyst("GBR"))).errors)).toEqual([["FORBIDDEN_FIELD", ["AGREEMENT"]]]);
  });

  it("refuses a field the gateway should have withheld: the value is not returned", async () => {
    fra.setAgreements(fraShares({ GBR: terms() }));
    const result = await fra.execute("{ fraReports(first: 3) { id body } }", {}, analyst("GBR", { clearance: "CONFIDENTIAL" }));
    const reports = result.data?.fraReports as { id: string; body: string | null }[];
    expect(reports.length).toBe(3);
    expect(reports.every((report) => report.body === null)).toBe(true);
    expect(new Set(codes(result.errors).map(([code, reasons]) => `${code}:${reasons}`))).toEqual(new Set(["FORBIDDEN_FIELD:CLEARANCE"]));
  });

  it("refuses a field outside the caller's compartments and one outside their releasability", async () => {
    fra.setAgreements(fraShares({ GBR: terms(), EST: terms() }));
    const noOrchid = await fra.execute("{ fraReports(first: 1) { body } }", {}, analyst("GBR", { compartments: new Set() }));
    expect(codes(noOrchid.errors)).toEqual([["FORBIDDEN_FIELD", ["COMPARTMENT"]]]);
    const estonian = await fra.execute("{ fraReports(first: 1) { body } }", {}, analyst("EST"));
    expect(codes(estonian.errors)).toEqual([["FORBIDDEN_FIELD", ["RELEASABILITY"]]]);
  });

  it("refuses _service: a nation's schema and labels are not for callers", async () => {
    const result = await fra.execute("{ _service { sdl } }");
    expect(result.data?._service ?? null).toBeNull();
    expect(codes(result.errors)).toEqual([["FORBIDDEN_FIELD", ["UNLABELLED"]]]);
  });
});

describe("entity loads (_entities, __resolveReference)", () => {
  const ENTITIES = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on FraReport { title } } }";

  it("loads an entity for a caller allowed its key", async () => {
    const result = await fra.execute(ENTITIES, { r: [{ __typename: "FraReport", id: "FRA-R-0001" }] });
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([{ title: expect.any(String) }]);
  });

  it("refuses the load itself when the caller may not see the entity's key, so that existence is not revealed", async () => {
    const result = await fra.execute(ENTITIES, { r: [{ __typename: "FraReport", id: "FRA-R-0001" }] }, analyst("GBR"));
    expect(result.data?._entities ?? null).toBeNull();
    expect(codes(result.errors)).toEqual([["FORBIDDEN_FIELD", ["AGREEMENT"]]]);
  });

  it("refuses a representation of a type the nation does not resolve, or one without a typename", async () => {
    for (const r of [[{ __typename: "Indicator", id: "x" }], [{ id: "FRA-R-0001" }]]) {
      const result = await fra.execute(ENTITIES, { r });
      expect(codes(result.errors)).toEqual([["FORBIDDEN_FIELD", ["UNLABELLED"]]]);
    }
  });
});
