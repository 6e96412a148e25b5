import { describe, expect, it } from "vitest";
import { CONFIDENTIAL_GBR, planOf, SECRET_GBR } from "../support/plan-harness.js";

// What the plan decides and how it rewrites the operation. The same describe goes on in operation-plan-refusals.test.ts
// (operations that never run) and operation-plan-banner.test.ts; the plan cache is in operation-plan-cache.test.ts.

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
});
