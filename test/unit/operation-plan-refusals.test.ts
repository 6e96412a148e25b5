import { describe, expect, it } from "vitest";
import { planOf, SECRET_GBR } from "../support/plan-harness.js";

// Operations the plan refuses to run: past a limit, not a query, invalid, or using the rewrite's own aliases.

describe("the plan: decide, then rewrite, before the query planner sees anything", () => {
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
});
