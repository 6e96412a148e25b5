import type { Subject } from "@tearline/policy";
import { graphql, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { RowMarks } from "../../subgraphs/shared/row-marks.js";
import { buildNationSchema, ownLockSource } from "../../subgraphs/shared/schema.js";
import { entityKeyFields } from "../../subgraphs/shared/second-lock.js";

// The second lock's rules on FRA's real schema with resolvers that need no database: what it passes through, what it
// refuses, and what it never lets out of a resolver.

const coalitions = loadCoalitionsFile();
const FRENCH: Subject = { nation: "FRA", clearance: "TOP_SECRET", compartments: new Set(["ORCHID"]), purpose: "CT", scopes: new Set() };
const report = { id: "FRA-R-1", title: "t", summary: "s", body: "b", reliability: "A", credibility: 1, collectedAt: new Date(0) };

function fraSchema(resolvers: object, keyFields?: ReadonlyMap<string, readonly string[]>) {
  const source = ownLockSource("FRA", coalitions, () => new Map());
  return buildNationSchema("FRA", resolvers, keyFields ? { ...source, keyFields } : source);
}
const run = (schema: ReturnType<typeof fraSchema>, source: string, variableValues?: Record<string, unknown>) =>
  graphql({ schema, source, variableValues, contextValue: { subject: FRENCH, rows: new RowMarks(coalitions) } });

const resolvers = {
  Query: { fraReports: () => [report] },
  FraReport: { __resolveReference: () => report, originator: () => "FRA", admiralty: () => "A1", actor: () => null },
  ThreatActor: { __resolveReference: (ref: object) => ref, assessment: () => null, fraReports: () => [] },
};

describe("the second lock's rules", () => {
  it("answers what the nation's labels release, and words a refusal as the gateway does", async () => {
    const schema = fraSchema(resolvers);
    expect((await run(schema, "{ fraReports { id title } }")).data).toEqual({ fraReports: [{ id: "FRA-R-1", title: "t" }] });
    const refused = await run(schema, "{ _service { sdl } }");
    expect(refused.errors?.map((e) => [e.message, e.extensions])).toEqual([
      [
        "This field is withheld: the caller is not authorised to see it",
        { code: "FORBIDDEN_FIELD", reason: "UNLABELLED", reasons: ["UNLABELLED"] },
      ],
    ]);
  });

  it("never lets a resolver's own error out: its message could carry what the lock withholds", async () => {
    const failing = fraSchema({
      ...resolvers,
      Query: {
        fraReports: () => {
          throw new Error("relation reports: row FRA-R-9 SECRET//ORCHID at postgres://db.internal");
        },
      },
    });
    const result = await run(failing, "{ fraReports { id } }");
    expect(result.data).toEqual({ fraReports: null });
    expect(JSON.stringify(result.errors)).not.toMatch(/FRA-R-9|ORCHID|postgres|relation/);
    expect(result.errors?.map((e) => e.extensions.code)).toEqual(["FORBIDDEN_FIELD"]);
  });

  it("decides each aliased entity load on its own representations, not on the first one's answer", async () => {
    const schema = fraSchema(resolvers);
    const result = await run(
      schema,
      `query ($a: [_Any!]!, $b: [_Any!]!) {
        a: _entities(representations: $a) { ... on FraReport { id } }
        b: _entities(representations: $b) { ... on FraReport { id } }
      }`,
      { a: [{ __typename: "FraReport", id: "FRA-R-1" }], b: [{ __typename: "Query", id: "x" }] },
    );
    // `_entities` is non-null, so one refused load nulls the whole answer; the error shows which load was refused.
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => [e.path, e.extensions.reasons])).toEqual([[["b"], ["UNLABELLED"]]]);
  });

  it("refuses to load an entity type for which the nation names no key field to decide on", async () => {
    const schema = fraSchema(resolvers, new Map([["FraReport", []]]));
    const result = await run(schema, "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }", {
      r: [{ __typename: "FraReport", id: "FRA-R-1" }],
    });
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => [e.path, e.extensions.reasons])).toEqual([[["_entities"], ["UNLABELLED"]]]);
  });
});

describe("entity key fields, from the nation's own @key directives", () => {
  it("reads each entity's top-level key fields, from definitions and extensions, several @keys merged", () => {
    const keys = entityKeyFields(
      parse(`
        type A @key(fields: "id") @key(fields: "code region") { id: ID! code: String region: String }
        extend type B @key(fields: "id owner { id name }") { id: ID! owner: O }
        type O { id: ID! name: String }
        type C @shareable @key(fields: "c1") { c1: ID }
        interface I @key(fields: "id") { id: ID! }
        type D @key(resolvable: false, fields: "d") @key(fields: 7) { d: ID }
        enum E { X }
      `),
    );
    expect(Object.fromEntries(keys)).toEqual({ A: ["id", "code", "region"], B: ["id", "owner"], C: ["c1"], D: ["d"] });
  });
});
