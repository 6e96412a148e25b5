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
