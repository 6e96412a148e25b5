import { describe, expect, it } from "vitest";
import { bannerLevels, deniedPaths, plannerFor, planOf, testState } from "../support/plan-harness.js";
import { type PrincipalSpec, principal } from "../support/policy-harness.js";

const SECRET_GBR: PrincipalSpec = { nation: "GBR", clearance: "SECRET" };
const CONFIDENTIAL_GBR: PrincipalSpec = { nation: "GBR", clearance: "CONFIDENTIAL" };

/** The whole rewritten operation, as the query planner will see it. */
const q = (text: string) => text.trim().replace(/^ {6}/gm, "");

describe("the plan: decide, then rewrite, before the query planner sees anything", () => {
  it("allows and keeps everything a cleared caller may see", () => {
    expect(planOf(`{ actor(id: "1") { id name assessment } }`, SECRET_GBR).summary).toEqual({
      kind: "execute",
      query: q(`
      {
        actor(id: "1") {
          id
          name
          assessment
        }
      }`),
      denied: [],
      errors: [],
    });
  });

  it("decides on Type.field, never on the alias", () => {
    expect(planOf(`{ actor(id: "1") { name innocent: secretName } }`, CONFIDENTIAL_GBR).summary).toEqual({
      kind: "execute",
      query: q(`
      {
        actor(id: "1") {
          name
        }
      }`),
      denied: ["actor.innocent:CLEARANCE"],
      errors: [],
    });
  });

  it("decides a named fragment at each place it is used, and inlines it", () => {
    const op = `{ a: actor(id: "1") { ...F } items { ...G } } fragment F on Actor { name secretName } fragment G on Item { title }`;
    expect(planOf(op, CONFIDENTIAL_GBR).summary).toEqual({
      kind: "execute",
      query: q(`
      {
        a: actor(id: "1") {
          ... on Actor {
            name
          }
        }
      }`),
      denied: ["a.secretName:CLEARANCE", "items:CLEARANCE"],
      errors: [],
    });
  });

  it("needs every implementation's requirement for a field selected on an interface", () => {
    // Memo.title is RESTRICTED for NATO, Cable.title TOP_SECRET for FVEY: a SECRET analyst may see only Memo's.
    expect(planOf(`{ items { id title } }`, SECRET_GBR).summary).toMatchObject({
      query: q(`
      {
        items {
          id
        }
      }`),
      denied: ["items.title:CLEARANCE"],
    });
  });

  it("needs the label of every type an interface or union field can return", () => {
    // Cable is SECRET for FVEY: an Estonian analyst may not even learn that Cables exist.
    expect(planOf(`{ search { __typename } items { __typename } }`, { nation: "EST", clearance: "TOP_SECRET" }).summary).toEqual({
      kind: "execute",
      query: null,
      denied: ["items:RELEASABILITY", "search:RELEASABILITY"],
      errors: [],
    });
  });

  it("decides per type condition, marks those denials as applying to that type only, and asks for the type", () => {
    expect(planOf(`{ search { ... on Memo { title } ... on Cable { title } } }`, SECRET_GBR).summary).toEqual({
      kind: "execute",
      query: q(`
      {
        search {
          ... on Memo {
            title
          }
          _tearline_typename: __typename
        }
      }`),
      denied: ["search.title:CLEARANCE@Cable"],
      errors: [],
    });
  });

  it("decides one named fragment separately at each place: a denial at one place removes nothing at another", () => {
    const op = `{ search { ... on Memo { ...T } ... on Cable { ...T } } } fragment T on Item { title }`;
    expect(planOf(op, SECRET_GBR).summary).toMatchObject({
      query: q(`
      {
        search {
          ... on Memo {
            ... on Item {
              title
            }
          }
          _tearline_typename: __typename
        }
      }`),
      denied: ["search.title:CLEARANCE@Cable"],
    });
  });

  it("checks fields under @skip/@include like any other, and drops variables only removed fields used", () => {
    const op = `query ($hide: Boolean!, $id: ID!) { actor(id: $id) { name secretName @skip(if: $hide) } }`;
    expect(planOf(op, CONFIDENTIAL_GBR).summary).toEqual({
      kind: "execute",
      query: q(`
      query ($id: ID!) {
        actor(id: $id) {
          name
        }
      }`),
      denied: ["actor.secretName:CLEARANCE"],
      errors: [],
    });
  });

  it("never denies __typename, even beside denied fields", () => {
    expect(planOf(`{ actor(id: "1") { __typename secretName } }`, { nation: "GBR", clearance: "RESTRICTED" }).summary).toMatchObject({
      query: q(`
      {
        actor(id: "1") {
          __typename
        }
      }`),
      denied: ["actor.secretName:CLEARANCE"],
    });
  });

  it("denies an entity key that a nation resolving it labels higher than the caller's clearance", () => {
    expect(planOf(`{ actor(id: "1") { id name } }`, { nation: "GBR", clearance: "RESTRICTED" }).summary).toMatchObject({
      query: q(`
      {
        actor(id: "1") {
          name
        }
      }`),
      denied: ["actor.id:CLEARANCE"],
    });
  });

  it("denies a field computed through @requires when the caller may not see the field it requires", () => {
    // initials is FRA's (CONFIDENTIAL), computed from GBR's realName (TOP_SECRET): a SECRET French analyst
    // may see FRA's label but would learn GBR's field through it.
    const denied = planOf(`{ actor(id: "1") { initials } }`, { nation: "FRA", clearance: "SECRET" }).summary;
    expect(denied).toMatchObject({
      query: q(`
      {
        actor(id: "1") {
          _tearline_typename: __typename
        }
      }`),
      denied: ["actor.initials:CLEARANCE"],
    });
    expect(planOf(`{ actor(id: "1") { initials } }`, { nation: "FRA", clearance: "TOP_SECRET" }).summary.denied).toEqual([]);
  });

  it("reports each reason category: releasability, compartment, purpose and scope", () => {
    const { summary } = planOf(`{ actor(id: "1") { euOnly codeword purposeBound scoped } }`, {
      nation: "GBR",
      clearance: "SECRET",
      purpose: "CYBER",
    });
    expect(summary.denied).toEqual([
      "actor.codeword:COMPARTMENT",
      "actor.euOnly:RELEASABILITY",
      "actor.purposeBound:PURPOSE",
      "actor.scoped:SCOPE",
    ]);
  });

  it("keeps a field whose children are all denied alive with an aliased __typename", () => {
    expect(planOf(`{ actor(id: "1") { secretName } }`, CONFIDENTIAL_GBR).summary.query).toEqual(
      q(`
      {
        actor(id: "1") {
          _tearline_typename: __typename
        }
      }`),
    );
  });

  it("leaves nothing to execute when every root field is denied", () => {
    expect(planOf(`{ actors { name } }`, { nation: "GBR", clearance: "UNCLASSIFIED" }).summary).toEqual({
      kind: "execute",
      query: null,
      denied: ["actors:CLEARANCE"],
      errors: [],
    });
  });

  it("refuses the whole operation when a denied field's label says REJECT", () => {
    expect(planOf(`{ actor(id: "1") { name hot } }`, CONFIDENTIAL_GBR).summary).toEqual({
      kind: "reject",
      query: null,
      denied: ["actor.hot:CLEARANCE+RELEASABILITY"],
      errors: [],
    });
  });

  it("refuses the whole operation for any denial in reject mode, and runs it when nothing is denied", () => {
    expect(planOf(`{ actor(id: "1") { name secretName } }`, CONFIDENTIAL_GBR, { mode: "reject" }).summary).toEqual({
      kind: "reject",
      query: null,
      denied: ["actor.secretName:CLEARANCE"],
      errors: [],
    });
    expect(planOf(`{ actor(id: "1") { name } }`, CONFIDENTIAL_GBR, { mode: "reject" }).summary.kind).toBe("execute");
  });

  it("runs only the named operation, and asks for a name when there are several", () => {
    const op = `query A { actor(id: "1") { secretName } } query B { actor(id: "1") { name } }`;
    expect(planOf(op, CONFIDENTIAL_GBR, { operationName: "B" }).summary).toMatchObject({
      denied: [],
      query: q(`
      query B {
        actor(id: "1") {
          name
        }
      }`),
    });
    expect(planOf(op, CONFIDENTIAL_GBR, { operationName: "A" }).summary.denied).toEqual(["actor.secretName:CLEARANCE"]);
    expect(planOf(op, CONFIDENTIAL_GBR).summary).toEqual({
      kind: "invalid",
      query: null,
      denied: [],
      errors: ["OPERATION_RESOLUTION_FAILURE"],
    });
  });

  it("counts fields through fragments against the expanded-field cap, at the boundary", () => {
    // actor, name, id: three fields once expanded.
    const op = `{ actor(id: "1") { ...F } } fragment F on Actor { name id }`;
    expect(planOf(op, SECRET_GBR, { limits: { maxFields: 3 } }).summary.kind).toBe("execute");
    expect(planOf(op, SECRET_GBR, { limits: { maxFields: 2 } }).plan).toMatchObject({
      kind: "invalid",
      errors: [
        {
          message: "The operation selects more than 2 fields once its fragments are expanded",
          extensions: { code: "OPERATION_TOO_COMPLEX" },
        },
      ],
    });
  });

  it("counts fields inside inline fragments against the expanded-field cap", () => {
    // actor, name, id, secretName: four fields, three of them inside inline fragments.
    const op = `{ actor(id: "1") { ... on Actor { name id } ... { secretName } } }`;
    expect(planOf(op, SECRET_GBR, { limits: { maxFields: 4 } }).summary.kind).toBe("execute");
    expect(planOf(op, SECRET_GBR, { limits: { maxFields: 3 } }).summary.errors).toEqual(["OPERATION_TOO_COMPLEX"]);
  });

  it("says plainly why an operation cannot run", () => {
    expect(planOf(`query A { actors { name } } query B { actors { id } }`, SECRET_GBR).plan).toMatchObject({
      errors: [{ message: "Name the operation to run with operationName" }],
    });
    expect(planOf(`mutation { flagActor(id: "1") }`, SECRET_GBR).plan).toMatchObject({
      errors: [{ message: "Only query operations are supported" }],
    });
  });

  it("refuses mutations and subscriptions: only queries run", () => {
    expect(planOf(`mutation { flagActor(id: "1") }`, SECRET_GBR).summary).toEqual({
      kind: "invalid",
      query: null,
      denied: [],
      errors: ["OPERATION_NOT_SUPPORTED"],
    });
  });

  it("refuses invalid operations without suggesting field names", () => {
    const { plan, summary } = planOf(`{ actor(id: "1") { nam } }`, SECRET_GBR);
    expect(summary.errors).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(plan).toMatchObject({ errors: [{ message: 'Cannot query field "nam" on type "Actor".' }] });
    expect(planOf(`{ actor(`, SECRET_GBR).summary.errors).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("refuses an operation past the depth limit, counting through fragments", () => {
    const limits = { maxDepth: 2 };
    expect(planOf(`{ actor(id: "1") { name } }`, SECRET_GBR, { limits }).summary.kind).toBe("execute");
    const deep = `{ search { ...M } } fragment M on Memo { title }`; // search(1) → fragment → title(2): within
    expect(planOf(deep, SECRET_GBR, { limits }).summary.kind).toBe("execute");
    expect(planOf(`{ actor(id: "1") { ...A } } fragment A on Actor { name }`, SECRET_GBR, { limits: { maxDepth: 1 } }).summary).toEqual({
      kind: "invalid",
      query: null,
      denied: [],
      errors: ["OPERATION_TOO_COMPLEX"],
    });
  });

  it("refuses an operation past the alias limit", () => {
    const aliases = `{ a: actor(id: "1") { name } b: actor(id: "2") { name } c: actor(id: "3") { name } d: actor(id: "4") { name } }`;
    expect(planOf(aliases, SECRET_GBR).summary.errors).toEqual(["OPERATION_TOO_COMPLEX"]);
    expect(planOf(aliases, SECRET_GBR, { limits: { maxAliases: 4 } }).summary.kind).toBe("execute");
  });

  it("refuses fragments that multiply into a huge operation, before expanding them", () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join("\n");
    const { summary } = planOf(`query { ...F0 } ${fragments} fragment F30 on Query { __typename }`, SECRET_GBR);
    // 2^30 expanded fields: a planner that expanded first would never get here.
    expect(summary.errors).toEqual(["OPERATION_TOO_COMPLEX"]);
  });

  it("refuses aliases that the rewrite reserves for itself", () => {
    expect(planOf(`{ actors { _tearline_typename: name } }`, SECRET_GBR).summary.errors).toEqual(["BAD_USER_INPUT"]);
  });

  it("plans the banner: each response key takes the marks of every type condition it is reached under", () => {
    const { plan } = planOf(`{ search { ... on Memo { title } ... on Cable { title } } actor(id: "1") { name } }`, {
      nation: "GBR",
      clearance: "TOP_SECRET",
    });
    if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
    // Memo.title is RESTRICTED and Cable.title TOP_SECRET: one key, both marks, the higher level.
    expect(bannerLevels(plan.banner)).toEqual({
      search: "SECRET",
      "search.title": "TOP_SECRET",
      actor: "RESTRICTED",
      "actor.name": "RESTRICTED",
    });
  });

  it("plans the banner of a response key selected twice as the higher of both places, whichever comes first", () => {
    // search is selected twice; its title is RESTRICTED on a Memo and TOP_SECRET on a Cable.
    for (const op of [
      `{ search { ... on Memo { title } } search { ... on Cable { title } } }`,
      `{ search { ... on Cable { title } } search { ... on Memo { title } } }`,
    ]) {
      const { plan } = planOf(op, { nation: "GBR", clearance: "TOP_SECRET" });
      if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
      expect([op, bannerLevels(plan.banner)]).toEqual([op, { search: "SECRET", "search.title": "TOP_SECRET" }]);
    }
  });

  it("leaves withheld fields out of the banner plan", () => {
    const { plan } = planOf(`{ search { ... on Memo { title } ... on Cable { title } } }`, SECRET_GBR);
    if (plan.kind !== "execute") throw new Error(`expected an executable plan, got ${plan.kind}`);
    expect(bannerLevels(plan.banner)).toEqual({ search: "SECRET", "search.title": "RESTRICTED" });
  });
});

describe("the plan cache", () => {
  it("caches plans by operation and attribute set, so callers with different attributes never share one", () => {
    const planner = plannerFor();
    const op = `{ actor(id: "1") { name secretName } }`;
    const high = planner.plan(testState, op, undefined, principal(SECRET_GBR));
    const low = planner.plan(testState, op, undefined, principal(CONFIDENTIAL_GBR));
    expect(deniedPaths(high)).toEqual([]);
    expect(deniedPaths(low)).toEqual(["actor.secretName:CLEARANCE"]);
    expect(planner.plan(testState, op, undefined, principal(SECRET_GBR))).toBe(high);
    expect(planner.cachedPlans).toBe(2);
  });

  it("caches each named operation of one document on its own", () => {
    const planner = plannerFor();
    const op = `query A { actor(id: "1") { secretName } } query B { actor(id: "1") { name } }`;
    const a = planner.plan(testState, op, "A", principal(CONFIDENTIAL_GBR));
    const b = planner.plan(testState, op, "B", principal(CONFIDENTIAL_GBR));
    expect([deniedPaths(a), deniedPaths(b)]).toEqual([["actor.secretName:CLEARANCE"], []]);
  });

  it("never lets compartment names that contain separators collide in the cache key", () => {
    const planner = plannerFor();
    const op = `{ actor(id: "1") { name codeword } }`;
    const holder = planner.plan(testState, op, undefined, principal({ ...SECRET_GBR, compartments: ["ORCHID", "X"] }));
    const pretender = planner.plan(testState, op, undefined, principal({ ...SECRET_GBR, compartments: ["ORCHID,X"] }));
    expect(deniedPaths(holder)).toEqual([]);
    expect(deniedPaths(pretender)).toEqual(["actor.codeword:COMPARTMENT"]);
  });

  it("builds a new plan once the cached one's decisions may no longer hold", () => {
    const planner = plannerFor();
    const op = `{ actor(id: "1") { name } }`;
    const first = planner.plan(testState, op, undefined, principal(SECRET_GBR), 1000);
    // Label decisions do not expire; a cached plan is reused at any later time.
    expect(first.validUntil).toBe(Number.POSITIVE_INFINITY);
    expect(planner.plan(testState, op, undefined, principal(SECRET_GBR), 10_000_000)).toBe(first);
  });
});
