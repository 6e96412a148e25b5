import { parse, TypeInfo, visit, visitWithTypeInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { OperationPlanner } from "../../gateway/enforcement/plan.js";
import { bannerPlanRule } from "../../gateway/rules/banner-plan.js";
import type { QueryRule } from "../../gateway/rules/context.js";
import { labelCheckRule } from "../../gateway/rules/label-check.js";
import { reservedAliasesRule } from "../../gateway/rules/reserved-aliases.js";
import { SelectionScope, visitWithScope } from "../../gateway/rules/selection-scope.js";
import { HARNESS_MAX_COST, runRules, testState } from "../support/plan-harness.js";
import { principal } from "../support/policy-harness.js";

const LIMITS = { maxDepth: 6, maxAliases: 3, maxDirectives: 10, maxCost: HARNESS_MAX_COST, maxFields: 100 };

describe("each query rule on its own", () => {
  describe("reservedAliasesRule", () => {
    it("refuses an alias starting with the rewrite's prefix, at any depth", () => {
      expect(runRules([reservedAliasesRule], `{ actors { _tearline_x: name } }`).errors).toEqual([
        "BAD_USER_INPUT: Aliases starting with _tearline are reserved",
      ]);
    });
    it("allows aliases that merely contain the word", () => {
      expect(runRules([reservedAliasesRule], `{ actors { tearline: name x_tearline: id } }`).errors).toEqual([]);
    });
    it("refuses an alias in GraphQL's own namespace on another field, and allows a field aliased as itself", () => {
      expect(runRules([reservedAliasesRule], `{ actors { __typename: name __x: id } }`).errors).toEqual([
        "BAD_USER_INPUT: Aliases starting with __ are reserved",
        "BAD_USER_INPUT: Aliases starting with __ are reserved",
      ]);
      expect(runRules([reservedAliasesRule], `{ actors { __typename: __typename _x: name } }`).errors).toEqual([]);
    });
  });

  describe("labelCheckRule", () => {
    it("reports denials and nothing else", () => {
      const result = runRules([labelCheckRule], `{ actor(id: "1") { name secretName } }`, { clearance: "CONFIDENTIAL" });
      expect(result).toEqual({ errors: [], denied: ["actor.secretName:CLEARANCE"], banner: {}, validUntil: Number.POSITIVE_INFINITY });
    });
    it("does not decide below a denied field: one denial, not one per child", () => {
      expect(runRules([labelCheckRule], `{ actors { name secretName } }`, { clearance: "UNCLASSIFIED" }).denied).toEqual([
        "actors:CLEARANCE",
      ]);
    });
    it("never decides __typename or introspection fields", () => {
      expect(runRules([labelCheckRule], `{ __typename actors { __typename } }`, { clearance: "RESTRICTED" }).denied).toEqual([]);
    });
  });

  describe("bannerPlanRule", () => {
    it("marks every field when no rule denied any", () => {
      expect(runRules([bannerPlanRule], `{ actor(id: "1") { name secretName } }`).banner).toEqual({
        actor: "RESTRICTED",
        "actor.name": "RESTRICTED",
        "actor.secretName": "SECRET",
      });
    });
    it("skips the fields an earlier rule denied", () => {
      expect(
        runRules([labelCheckRule, bannerPlanRule], `{ actor(id: "1") { name secretName } }`, { clearance: "CONFIDENTIAL" }).banner,
      ).toEqual({
        actor: "RESTRICTED",
        "actor.name": "RESTRICTED",
      });
    });
    it("merges the marks of one response key reached twice", () => {
      expect(runRules([bannerPlanRule], `{ actor(id: "1") { x: name x: name } a: actor(id: "2") { secretName } }`).banner).toMatchObject({
        "actor.x": "RESTRICTED",
        "a.secretName": "SECRET",
      });
      expect(runRules([bannerPlanRule], `{ search { ... on Memo { title } ... on Cable { title } } }`).banner).toMatchObject({
        "search.title": "TOP_SECRET",
      });
    });
  });
});

describe("a plan's validity", () => {
  // A stand-in for a time-bound check (a sharing agreement's expiry): it says every decision holds until t = 5000.
  const expiresAt5000: QueryRule = (context) => ({ Field: () => context.reportValidUntil(5000) });

  it("is the earliest validity any decision reported, and the plan is rebuilt once it passes", () => {
    const timed = new OperationPlanner({ ...LIMITS, mode: "redact", cacheSize: 10, rules: [labelCheckRule, expiresAt5000] });
    const op = `{ actor(id: "1") { name } }`;
    const first = timed.plan(testState, op, undefined, principal(), 1000);
    expect(first.validUntil).toBe(5000);
    expect(timed.plan(testState, op, undefined, principal(), 4999)).toBe(first);
    const rebuilt = timed.plan(testState, op, undefined, principal(), 5000);
    expect(rebuilt).not.toBe(first);
    expect(rebuilt).toEqual(first);
  });
});

describe("the walk itself", () => {
  const reporting =
    (until: (now: number) => number): QueryRule =>
    (context) => ({ Field: () => context.reportValidUntil(until(context.decision.now)) });
  const planner = (rules: QueryRule[]) => new OperationPlanner({ ...LIMITS, mode: "redact", cacheSize: 10, rules });

  it("gives the rules the time the plan is made at", () => {
    expect(planner([reporting((now) => now + 500)]).plan(testState, `{ actors { name } }`, undefined, principal(), 1000).validUntil).toBe(
      1500,
    );
  });

  it("keeps the earliest validity, whatever order the rules report in", () => {
    const plan = planner([reporting(() => 5000), reporting(() => 9000)]).plan(testState, `{ actors { name } }`, undefined, principal(), 0);
    expect(plan.validUntil).toBe(5000);
  });

  it("never marks __typename or introspection fields in the banner plan", () => {
    expect(runRules([bannerPlanRule], `{ __typename actor(id: "1") { __typename name } }`).banner).toEqual({
      actor: "RESTRICTED",
      "actor.name": "RESTRICTED",
    });
  });
});

describe("visitWithScope", () => {
  it("leaves a field's scope at once when the visitor skips the field", () => {
    const typeInfo = new TypeInfo(testState.schema);
    const scope = new SelectionScope(testState.schema, typeInfo, "Query");
    const parents: string[][] = [];
    const visitor = visitWithScope(scope, {
      Field(node) {
        parents.push([...scope.field.parentTypes]);
        return node.name.value === "actor" ? false : undefined;
      },
    });
    visit(parse(`{ actor(id: "1") { name } actors { name } }`), visitWithTypeInfo(typeInfo, visitor));
    // Had the skipped field's scope stayed open, \`actors\` would be seen inside Actor.
    expect(parents).toEqual([["Query"], ["Query"], ["Actor"]]);
  });
});
