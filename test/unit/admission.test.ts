import { describe, expect, it } from "vitest";
import { Admission } from "../../gateway/pipeline/admission.js";
import { HttpError } from "../../lib/http-server.js";
import { principal } from "../support/policy-harness.js";

const refusal = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, code: error.code, headers: error.headers };
    throw error;
  }
  return undefined;
};

/** Limits of operations in flight, all callers and one caller, and of one caller's cost in flight. */
const admission = (maxInFlight: number, maxInFlightPerSubject: number, maxCostInFlightPerSubject = 100) =>
  new Admission({ maxInFlight, maxInFlightPerSubject, maxCostInFlightPerSubject });

describe("admission: operations in flight", () => {
  const alice = principal({ nation: "GBR" });
  const bob = { ...principal({ nation: "GBR" }), sub: "bob@test" };

  it("refuses past the global limit with 503 and Retry-After, before anything is known of the caller", () => {
    const limited = admission(2, 2);
    limited.enter();
    limited.enter();
    expect(refusal(() => limited.enter())).toEqual({ status: 503, code: "OVERLOADED", headers: { "retry-after": "1" } });
  });

  it("refuses a caller past its own limit with 429 and Retry-After, while others still get in", () => {
    const limited = admission(10, 1);
    limited.enter().admit(alice);
    expect(refusal(() => limited.enter().admit(alice))).toEqual({
      status: 429,
      code: "TOO_MANY_OPERATIONS",
      headers: { "retry-after": "1" },
    });
    expect(refusal(() => limited.enter().admit(bob))).toBeUndefined();
  });

  it("tells apart the same subject from two issuers", () => {
    const limited = admission(10, 1);
    limited.enter().admit(alice);
    expect(refusal(() => limited.enter().admit({ ...alice, issuer: "https://other.idp" }))).toBeUndefined();
  });

  it("gives both places back once, however often released", () => {
    const limited = admission(1, 1);
    const ticket = limited.enter();
    ticket.admit(alice);
    ticket.release();
    ticket.release();
    expect(limited.size).toBe(0);
    const next = limited.enter();
    expect(refusal(() => next.admit(alice))).toBeUndefined();
    expect(refusal(() => limited.enter())).toMatchObject({ status: 503 });
  });

  it("gives the global place back for a request refused before its caller was known", () => {
    const limited = admission(1, 1);
    limited.enter().release();
    expect(refusal(() => limited.enter())).toBeUndefined();
  });

  it("weighs a caller's cost in flight: past it the next operation is refused, but one alone always passes", () => {
    const limited = admission(10, 10, 100);
    const first = limited.enter();
    first.admit(alice);
    expect(first.weigh(60)).toBe(true);
    const second = limited.enter();
    second.admit(alice);
    expect(second.weigh(41)).toBe(false);
    expect(second.weigh(40)).toBe(true);
    const other = limited.enter();
    other.admit(bob);
    expect(other.weigh(100)).toBe(true);
    first.release();
    second.release();
    const alone = limited.enter();
    alone.admit(alice);
    expect(alone.weigh(1_000)).toBe(true);
  });

  it("gives a refused weight nothing back: the caller's cost in flight is what was let through", () => {
    const limited = admission(10, 10, 100);
    const held = limited.enter();
    held.admit(alice);
    held.weigh(90);
    const refused = limited.enter();
    refused.admit(alice);
    expect(refused.weigh(20)).toBe(false);
    refused.release();
    const next = limited.enter();
    next.admit(alice);
    expect(next.weigh(10)).toBe(true);
  });
});
