import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { OperationPlanner } from "../../gateway/enforcement/plan.js";
import type { QueryRule } from "../../gateway/rules/context.js";
import { specifiedQueryRules } from "../../gateway/rules/index.js";
import { documentOf, openAgreements } from "../support/agreements-fixture.js";
import { CONFIDENTIAL_GBR, deniedPaths, HARNESS_MAX_COST, plannerFor, SECRET_GBR, testState } from "../support/plan-harness.js";
import { composeTestSupergraph, policyStateOf, principal } from "../support/policy-harness.js";
import { TEST_SUPERGRAPH } from "../support/test-schema.js";

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

describe("plans shared by callers decided alike", () => {
  const op = `{ actor(id: "1") { name secretName } }`;

  it("plans once for callers whose attributes differ only where the operation decides nothing", () => {
    const planner = plannerFor();
    const first = planner.plan(testState, op, undefined, principal({ ...SECRET_GBR, scopes: ["a:read"] }));
    const second = planner.plan(testState, op, undefined, principal({ ...SECRET_GBR, compartments: ["ORCHID"], scopes: ["b:read"] }));
    expect(second).toBe(first);
    expect(deniedPaths(second)).toEqual([]);
    // Two callers, two entries in the per-caller cache; one plan built, found once in the shared cache.
    expect(planner.cachedPlans).toBe(2);
    expect(planner.caches.sharedPlans).toMatchObject({ hits: 1, misses: 1, size: 1 });
  });

  it("never shares a plan between callers decided differently anywhere the operation reaches", () => {
    const planner = plannerFor();
    const low = planner.plan(testState, op, undefined, principal(CONFIDENTIAL_GBR));
    const high = planner.plan(testState, op, undefined, principal(SECRET_GBR));
    expect([deniedPaths(low), deniedPaths(high)]).toEqual([["actor.secretName:CLEARANCE"], []]);
  });

  it("never shares a plan between callers denied the same field for different reasons", () => {
    const planner = plannerFor();
    const realName = `{ actor(id: "1") { name realName } }`;
    const secret = planner.plan(testState, realName, undefined, principal({ nation: "DEU", clearance: "SECRET" }));
    const topSecret = planner.plan(testState, realName, undefined, principal({ nation: "DEU", clearance: "TOP_SECRET" }));
    expect(deniedPaths(secret)).toEqual(["actor.realName:CLEARANCE+RELEASABILITY"]);
    expect(deniedPaths(topSecret)).toEqual(["actor.realName:RELEASABILITY"]);
  });

  it("tells callers apart by fields below a field the first caller was denied, which that caller's walk never reached", () => {
    const planner = plannerFor();
    // Outside NATO: Query.actor is denied, so nothing below it is decided for this caller.
    const outsider = planner.plan(testState, op, undefined, principal({ nation: "JPN", clearance: "TOP_SECRET" }));
    expect(deniedPaths(outsider)).toEqual(["actor:RELEASABILITY"]);
    const low = planner.plan(testState, op, undefined, principal(CONFIDENTIAL_GBR));
    const high = planner.plan(testState, op, undefined, principal(SECRET_GBR));
    expect([deniedPaths(low), deniedPaths(high)]).toEqual([["actor.secretName:CLEARANCE"], []]);
  });

  it("plans alone what is planned alike for everyone: an invalid operation is not shared through decisions", () => {
    const planner = plannerFor();
    planner.plan(testState, `{ actor(id: "1") { nope } }`, undefined, principal(SECRET_GBR));
    planner.plan(testState, `{ actor(id: "1") { nope } }`, undefined, principal(CONFIDENTIAL_GBR));
    expect(planner.caches.sharedPlans).toMatchObject({ hits: 0, misses: 0, size: 0 });
  });

  it("keys on the types a field is reached on, not on its name alone", () => {
    const state = policyStateOf(
      composeTestSupergraph({
        GBR: `
          type Query @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) { a: A b: B }
          type A @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) { id: ID! x: String }
          type B @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) {
            id: ID!
            x: String @label(level: SECRET, releasableTo: ["FVEY"])
          }
        `,
      }),
      "names",
    );
    const planner = plannerFor();
    const op = `{ a { x } b { x } }`;
    const gbr = planner.plan(state, op, undefined, principal({ nation: "GBR", clearance: "SECRET" }));
    const est = planner.plan(state, op, undefined, principal({ nation: "EST", clearance: "SECRET" }));
    expect([deniedPaths(gbr), deniedPaths(est)]).toEqual([[], ["b.x:RELEASABILITY"]]);
  });

  it("keys on what a denial does: the same reasons under a REJECT label and under a REDACT one are not alike", () => {
    const state = policyStateOf(
      composeTestSupergraph({
        GBR: `
          type Query @label(level: UNCLASSIFIED, releasableTo: ["NATO"]) { items(first: Int = 5): [Item!] @pageSize(max: 10) }
          interface Item { title: String }
          type Memo implements Item @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) {
            id: ID!
            title: String @label(level: RESTRICTED, releasableTo: ["FRA"], onDeny: REJECT)
          }
          type Cable implements Item @key(fields: "id") @label(level: RESTRICTED, releasableTo: ["NATO"]) {
            id: ID!
            title: String @label(level: RESTRICTED, releasableTo: ["DEU"])
          }
        `,
      }),
      "on-deny",
    );
    const planner = plannerFor();
    const op = `{ items { title } }`;
    const fra = planner.plan(state, op, undefined, principal({ nation: "FRA", clearance: "SECRET" }));
    const deu = planner.plan(state, op, undefined, principal({ nation: "DEU", clearance: "SECRET" }));
    expect([fra.kind, deu.kind]).toEqual(["execute", "reject"]);
  });

  it("keys on how long decisions hold: a caller whose agreement ends sooner never keeps a plan made for a longer one", () => {
    const [sooner, later] = [1_000_000, 2_000_000];
    const book = new Map(openAgreements());
    const others = Object.fromEntries([...book.get("FRA")!.partners.keys()].map((nation) => [nation, {}]));
    book.set("FRA", documentOf("FRA", { ...others, GBR: { expires: sooner }, DEU: { expires: later } }));
    const state = policyStateOf(TEST_SUPERGRAPH, "until", book);
    const planner = plannerFor();
    const op = `{ actor(id: "1") { assessment } }`;
    planner.plan(state, op, undefined, principal({ nation: "DEU", clearance: "SECRET" }), 0);
    expect(planner.plan(state, op, undefined, principal({ nation: "GBR", clearance: "SECRET" }), 0).validUntil).toBe(sooner);
    const after = planner.plan(state, op, undefined, principal({ nation: "GBR", clearance: "SECRET" }), sooner + 1);
    expect(deniedPaths(after)).toEqual(["actor.assessment:AGREEMENT"]);
  });

  it("does not share a plan whose walk decided a place the sites walk never reached", () => {
    // A rule that asks about realName only once secretName is denied: with every field allowed, it never asks.
    const realNameWhenSecretDenied: QueryRule = (context) => ({
      Field(node) {
        if (node.name.value !== "name" || context.decide(["Actor"], "secretName").allowed) return;
        if (!context.decide(["Actor"], "realName").allowed) context.reportError(new GraphQLError("needs realName"));
      },
    });
    const planner = new OperationPlanner({
      mode: "redact",
      maxDepth: 6,
      maxAliases: 3,
      maxDirectives: 10,
      maxCost: HARNESS_MAX_COST,
      maxFields: 100,
      cacheSize: 10,
      rules: [...specifiedQueryRules, realNameWhenSecretDenied],
    });
    const op = `{ actor(id: "1") { name } }`;
    // Both are denied secretName (releasable to GBR alone) alike; only TOP_SECRET may see realName (releasable to FRA).
    const topSecret = planner.plan(testState, op, undefined, principal({ nation: "FRA", clearance: "TOP_SECRET" }));
    const secret = planner.plan(testState, op, undefined, principal({ nation: "FRA", clearance: "SECRET" }));
    expect([topSecret.kind, secret.kind]).toEqual(["execute", "invalid"]);
  });

  it("holds a refusal that rests on time-bound decisions only as long as they hold", () => {
    const expires = 1_000_000;
    const book = new Map(openAgreements());
    const others = Object.fromEntries([...book.get("FRA")!.partners.keys()].map((nation) => [nation, {}]));
    book.set("FRA", documentOf("FRA", { ...others, GBR: { expires } }));
    const state = policyStateOf(TEST_SUPERGRAPH, "costly", book);
    const planner = plannerFor({ limits: { maxCost: 30 } });
    const op = `{ actors(first: 10) { name assessment nickname } }`;
    const gbr = principal({ nation: "GBR", clearance: "SECRET" });
    // While FRA shares with GBR, its fields are entity hops: too costly. Once the agreement ends they are withheld.
    const before = planner.plan(state, op, undefined, gbr, expires - 1);
    expect(before).toMatchObject({ kind: "invalid", validUntil: expires });
    const after = planner.plan(state, op, undefined, gbr, expires + 1);
    expect(after.kind).toBe("execute");
    expect(deniedPaths(after)).toEqual(["actors.assessment:AGREEMENT", "actors.nickname:AGREEMENT"]);
  });
});
