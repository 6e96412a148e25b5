import { renderBanner } from "@tearline/policy";
import type { GraphQLFormattedError } from "graphql";
import { describe, expect, it } from "vitest";
import { OperationPlanner } from "../../gateway/enforcement/plan.js";
import { markOfResponse } from "../../gateway/response/banner.js";
import { redactResponse } from "../../gateway/response/redact.js";
import { HARNESS_MAX_COST } from "../support/plan-harness.js";
import { coalitions, type PrincipalSpec, policyStateOf, principal } from "../support/policy-harness.js";
import { TEST_SUPERGRAPH } from "../support/test-schema.js";

const state = policyStateOf(TEST_SUPERGRAPH);
const planner = new OperationPlanner({
  mode: "redact",
  maxDepth: 10,
  maxAliases: 10,
  maxDirectives: 10,
  maxCost: HARNESS_MAX_COST,
  maxFields: 5000,
  cacheSize: 100,
});

function respond(query: string, caller: PrincipalSpec, data: Record<string, unknown>, variables: Record<string, unknown> = {}) {
  const plan = planner.plan(state, query, undefined, principal(caller));
  if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
  const errors: GraphQLFormattedError[] = [];
  const out = redactResponse(structuredClone(data), plan.redaction, plan.rootOrder, variables, errors);
  return { data: out, errors, banner: renderBanner(markOfResponse(out, plan.banner), coalitions) };
}

const CONFIDENTIAL_GBR: PrincipalSpec = { nation: "GBR", clearance: "CONFIDENTIAL" };

describe("putting back what was withheld", () => {
  it("puts null and a FORBIDDEN_FIELD error with the reason at a denied nullable field, under its alias", () => {
    const { data, errors } = respond(`{ actor(id: "1") { name alias: secretName } }`, CONFIDENTIAL_GBR, { actor: { name: "Amber Owl" } });
    expect(data).toEqual({ actor: { name: "Amber Owl", alias: null } });
    expect(errors).toEqual([
      {
        message: expect.any(String),
        path: ["actor", "alias"],
        extensions: { code: "FORBIDDEN_FIELD", reason: "CLEARANCE", reasons: ["CLEARANCE"] },
      },
    ]);
  });

  it("puts withheld keys back where the operation asked for them", () => {
    const { data } = respond(`{ actor(id: "1") { a: secretName name b: secretName } }`, CONFIDENTIAL_GBR, { actor: { name: "x" } });
    expect(Object.keys(data!.actor as object)).toEqual(["a", "name", "b"]);
  });

  it("puts an error at each list item's path", () => {
    const { data, errors } = respond(`{ actors { name secretName } }`, CONFIDENTIAL_GBR, { actors: [{ name: "a" }, { name: "b" }] });
    expect(data).toEqual({
      actors: [
        { name: "a", secretName: null },
        { name: "b", secretName: null },
      ],
    });
    expect(errors.map((e) => e.path)).toEqual([
      ["actors", 0, "secretName"],
      ["actors", 1, "secretName"],
    ]);
  });

  it("propagates null from a denied non-null field to the nearest nullable parent", () => {
    // codeword: String! on Actor; actors: [Actor!] — the whole list becomes null.
    const { data, errors } = respond(`{ actors { name codeword } }`, CONFIDENTIAL_GBR, { actors: [{ name: "a" }] });
    expect(data).toEqual({ actors: null });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toEqual(["actors", 0, "codeword"]);
  });

  it("propagates to data: null when every parent up to the root is non-null", () => {
    const { data } = respond(`{ strictActors { codeword } }`, CONFIDENTIAL_GBR, { strictActors: [{ _tearline_typename: "Actor" }] });
    expect(data).toBeNull();
  });

  it("removes the __typename the rewrite added", () => {
    const { data } = respond(`{ actor(id: "1") { secretName } }`, CONFIDENTIAL_GBR, { actor: { _tearline_typename: "Actor" } });
    expect(data).toEqual({ actor: { secretName: null } });
  });

  it("reports nothing for a denied field that @skip/@include leaves out", () => {
    const query = `query ($hide: Boolean!) { actor(id: "1") { name secretName @skip(if: $hide) } }`;
    expect(respond(query, CONFIDENTIAL_GBR, { actor: { name: "a" } }, { hide: true })).toMatchObject({
      data: { actor: { name: "a" } },
      errors: [],
    });
    expect(respond(query, CONFIDENTIAL_GBR, { actor: { name: "a" } }, { hide: false }).errors).toHaveLength(1);
  });

  it("reports nothing for a denied field inside an inline fragment that @skip/@include leaves out", () => {
    const query = `query ($show: Boolean!) { actor(id: "1") { name ... @include(if: $show) { secretName } } }`;
    expect(respond(query, CONFIDENTIAL_GBR, { actor: { name: "a" } }, { show: false })).toMatchObject({ errors: [] });
    expect(respond(query, CONFIDENTIAL_GBR, { actor: { name: "a" } }, { show: true }).errors).toHaveLength(1);
  });

  it("reports a denial under a type condition only on objects of that type", () => {
    const query = `{ search { ... on Memo { title } ... on Cable { title } } }`;
    const { data, errors } = respond(
      query,
      { nation: "GBR", clearance: "SECRET" },
      {
        search: [{ _tearline_typename: "Memo", title: "memo" }, { _tearline_typename: "Cable" }],
      },
    );
    expect(data).toEqual({ search: [{ title: "memo" }, { title: null }] });
    expect(errors.map((e) => e.path)).toEqual([["search", 1, "title"]]);
  });

  it("leaves a null parent alone: nothing there to withhold", () => {
    expect(respond(`{ actor(id: "1") { name secretName } }`, CONFIDENTIAL_GBR, { actor: null })).toMatchObject({
      data: { actor: null },
      errors: [],
    });
  });

  it("reads only the answer's own keys: a parent missing under an alias named like a property of every object is left alone", () => {
    // Read through the prototype, `constructor` would be the global Object, and its denied child would be written onto it.
    const query = `{ constructor: actor(id: "1") { name keys: secretName } toString: actor(id: "2") { valueOf: secretName } }`;
    const { data, errors } = respond(query, CONFIDENTIAL_GBR, {});
    expect(typeof Object.keys).toBe("function");
    expect(typeof Object.prototype.toString.valueOf).toBe("function");
    expect(data).toEqual({});
    expect(errors).toEqual([]);
  });

  it("puts a withheld field named like a property of every object back where the operation asked for it", () => {
    const query = `{ actor(id: "1") { toString: secretName name } }`;
    const { data, errors } = respond(query, CONFIDENTIAL_GBR, { actor: { name: "Amber Owl" } });
    expect(Object.keys(data!.actor as object)).toEqual(["toString", "name"]);
    expect(errors.map((e) => e.path)).toEqual([["actor", "toString"]]);
    // A key the operation did not ask for is kept after the asked ones when the keys are put in order, whatever its name.
    const extra = respond(`{ actor(id: "1") { secretName name } }`, CONFIDENTIAL_GBR, { actor: { name: "Amber Owl", valueOf: 1 } });
    expect(Object.keys(extra.data!.actor as object)).toEqual(["secretName", "name", "valueOf"]);
  });
});

describe("the classification banner of what was actually returned", () => {
  it("is the high-water mark of the non-null fields only", () => {
    const query = `{ actor(id: "1") { name assessment } }`;
    const cleared = { nation: "GBR", clearance: "SECRET" } as const;
    expect(respond(query, cleared, { actor: { name: "a", assessment: null } }).banner.level).toBe("RESTRICTED");
    expect(respond(query, cleared, { actor: { name: "a", assessment: "grim" } }).banner.level).toBe("CONFIDENTIAL");
  });

  it("intersects releasability, unions compartments, and writes a coalition by its name", () => {
    const { banner } = respond(
      `{ actor(id: "1") { name codeword } }`,
      { nation: "GBR", clearance: "SECRET", compartments: ["ORCHID"] },
      { actor: { name: "a", codeword: "x" } },
    );
    expect(banner).toEqual({
      banner: "RESTRICTED//ORCHID//REL TO GBR",
      level: "RESTRICTED",
      releasableTo: ["GBR"],
      compartments: ["ORCHID"],
    });
    const nato = respond(`{ actor(id: "1") { name } }`, { nation: "GBR", clearance: "SECRET" }, { actor: { name: "a" } }).banner;
    expect(nato.banner).toBe("RESTRICTED//REL TO NATO");
  });

  it("is UNCLASSIFIED when nothing came back", () => {
    expect(respond(`{ actor(id: "1") { name } }`, { nation: "GBR", clearance: "SECRET" }, { actor: null }).banner.banner).toBe(
      "UNCLASSIFIED",
    );
  });
});
