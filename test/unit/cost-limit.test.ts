import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { walkOperation } from "../../gateway/enforcement/walk-operation.js";
import { costLimitRule } from "../../gateway/rules/cost-limit.js";
import { ENTITY_HOP_COST, evaluateCost } from "../../gateway/rules/cost-model.js";
import { labelCheckRule } from "../../gateway/rules/label-check.js";
import { inlineFragments } from "../../gateway/transforms/inline-fragments.js";
import { CONFIDENTIAL_GBR, plannerFor, planOf, runRules, SECRET_GBR, testState } from "../support/plan-harness.js";
import { type PrincipalSpec, principal } from "../support/policy-harness.js";

// The cost model on TEST_SUPERGRAPH: GBR resolves the root lists (default page 20, maximum 100) and Actor's own
// fields; FRA adds assessment, nickname and others to Actor, so selecting them from an Actor is an entity hop.

/** The cost the rule finds for an operation and its variables, as the planner would weigh it. */
function costOf(operation: string, variables?: Record<string, unknown>, caller: PrincipalSpec = SECRET_GBR) {
  const inlined = inlineFragments(parse(operation), undefined, 100_000)!;
  const walk = walkOperation(testState, inlined, {
    subject: principal(caller),
    now: 0,
    rules: [labelCheckRule, costLimitRule],
    limits: { maxCost: Number.MAX_SAFE_INTEGER },
  });
  return evaluateCost(walk.cost, variables);
}

const hop = 1 + ENTITY_HOP_COST;

describe("the cost model (costLimitRule)", () => {
  it.each<[string, string, Record<string, unknown> | undefined, number]>([
    ["one value per field", `{ actor(id: "1") { id name } }`, undefined, 3],
    ["a list without first: the schema's default page", `{ actors { name } }`, undefined, 1 + 20],
    ["a list with first: its fields once per item", `{ actors(first: 3) { id name } }`, undefined, 1 + 3 * 2],
    ["first: null is the default", `{ actors(first: null) { name } }`, undefined, 1 + 20],
    ["first: 0 costs the list alone", `{ actors(first: 0) { name } }`, undefined, 1],
    ["an entity hop to another subgraph", `{ actors(first: 3) { assessment } }`, undefined, 1 + 3 * hop],
    ["each hop, per parent", `{ actors(first: 2) { name assessment nickname } }`, undefined, 1 + 2 * (1 + 2 * hop)],
    ["every alias again", `{ a: actors(first: 2) { name } b: actors(first: 2) { name } }`, undefined, 2 * (1 + 2)],
    ["fields through fragments, as expanded", `{ actors(first: 2) { ...F } } fragment F on Actor { id name }`, undefined, 1 + 2 * 2],
    ["__typename as a value", `{ __typename actors(first: 2) { __typename } }`, undefined, 1 + 1 + 2],
    ["a page size from a variable", `query($n: Int) { actors(first: $n) { name } }`, { n: 5 }, 1 + 5],
    ["a variable left out: the field's default", `query($n: Int) { actors(first: $n) { name } }`, {}, 1 + 20],
    ["a variable left out: its own default", `query($n: Int = 7) { actors(first: $n) { name } }`, {}, 1 + 7],
    ["a variable sent null: the field's default", `query($n: Int = 7) { actors(first: $n) { name } }`, { n: null }, 1 + 20],
    ["a variable not an Int: the most it could be", `query($n: Int) { actors(first: $n) { name } }`, { n: "5" }, 1 + 100],
  ])("%s", (_case, operation, variables, cost) => {
    expect(costOf(operation, variables)).toEqual({ cost });
  });

  it("counts a field selected on several types once per item", () => {
    expect(costOf(`{ items(first: 2) { id title } }`, undefined, { nation: "GBR", clearance: "TOP_SECRET" })).toEqual({ cost: 1 + 2 * 2 });
  });

  it("leaves out what the label check denied: the rewritten operation does not ask for it", () => {
    const op = `{ actor(id: "1") { name secretName } }`;
    expect(costOf(op, undefined, SECRET_GBR)).toEqual({ cost: 3 });
    expect(costOf(op, undefined, CONFIDENTIAL_GBR)).toEqual({ cost: 2 });
  });

  it("refuses an operation over the cap, with its cost, and allows one at it", () => {
    const op = `{ actors(first: 3) { id name } }`; // 7
    expect(runRules([costLimitRule], op, {}, { maxCost: 7 }).errors).toEqual([]);
    expect(runRules([costLimitRule], op, {}, { maxCost: 6 }).errors).toEqual([
      "OPERATION_TOO_COSTLY: The operation could cost 7, more than the 6 allowed: ask for fewer or smaller pages",
    ]);
    expect(planOf(op, SECRET_GBR, { limits: { maxCost: 6 } }).plan).toMatchObject({
      kind: "invalid",
      status: 400,
      errors: [{ extensions: { code: "OPERATION_TOO_COSTLY", cost: 7, maxCost: 6 } }],
    });
  });

  it.each([
    [`{ actors(first: 101) { id } }`, "BAD_USER_INPUT: first must be from 0 to 100 at actors"],
    [`{ mine: actors(first: -1) { id } }`, "BAD_USER_INPUT: first must be from 0 to 100 at mine"],
  ])("refuses a page size written past its field's maximum: %s", (operation, error) => {
    expect(runRules([costLimitRule], operation).errors).toEqual([error]);
  });

  it("allows a page size written at its field's maximum", () => {
    expect(runRules([costLimitRule], `{ actors(first: 100) { id } }`).errors).toEqual([]);
  });
});

describe("the cost weighed with each request's variables (OperationPlanner.weigh)", () => {
  const op = `query($n: Int) { actors(first: $n) { id name } }`;
  const planner = plannerFor({ limits: { maxCost: 21 } });
  const plan = () => planner.plan(testState, op, undefined, principal(SECRET_GBR));

  it("keeps the cost tree of a plan whose cost depends on variables, and the cost itself otherwise", () => {
    expect(plan()).toMatchObject({ kind: "execute", cost: expect.any(Array) });
    const fixed = planner.plan(testState, `{ actors(first: 3) { id } }`, undefined, principal(SECRET_GBR));
    expect(fixed).toMatchObject({ cost: 4 });
    expect(planner.weigh(fixed, { n: 1000 })).toEqual({ cost: 4 });
  });

  it("weighs variables that keep the cost within the cap", () => {
    expect(planner.weigh(plan(), { n: 10 })).toEqual({ cost: 21 }); // 1 + 10 × 2
  });

  it("refuses variables that take it past the cap, with the cost", () => {
    expect(planner.weigh(plan(), { n: 11 })).toMatchObject({
      refusal: { extensions: { code: "OPERATION_TOO_COSTLY", cost: 23, maxCost: 21 } },
    });
    expect(planner.weigh(plan(), {})).toMatchObject({ refusal: { extensions: { code: "OPERATION_TOO_COSTLY", cost: 41 } } });
  });

  it("refuses a page size in a variable past its field's maximum, or below 0", () => {
    for (const n of [101, -1])
      expect(planner.weigh(plan(), { n })).toMatchObject({
        refusal: { message: "first must be from 0 to 100 at actors", extensions: { code: "BAD_USER_INPUT" } },
      });
  });

  it("has nothing to weigh for a plan that does not run", () => {
    const invalid = planner.plan(testState, `{ nope }`, undefined, principal(SECRET_GBR));
    expect(planner.weigh(invalid, { n: 1000 })).toEqual({ cost: 0 });
  });
});
