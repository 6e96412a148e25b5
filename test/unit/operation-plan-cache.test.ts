import { describe, expect, it } from "vitest";
import { CONFIDENTIAL_GBR, deniedPaths, plannerFor, SECRET_GBR, testState } from "../support/plan-harness.js";
import { principal } from "../support/policy-harness.js";

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
});
