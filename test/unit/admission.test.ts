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

describe("admission: operations in flight", () => {
  const alice = principal({ nation: "GBR" });
  const bob = { ...principal({ nation: "GBR" }), sub: "bob@test" };

  it("refuses past the global limit with 503 and Retry-After, before anything is known of the caller", () => {
    const admission = new Admission({ maxInFlight: 2, maxInFlightPerSubject: 2 });
    admission.enter();
    admission.enter();
    expect(refusal(() => admission.enter())).toEqual({ status: 503, code: "OVERLOADED", headers: { "retry-after": "1" } });
  });

  it("refuses a caller past its own limit with 429 and Retry-After, while others still get in", () => {
    const admission = new Admission({ maxInFlight: 10, maxInFlightPerSubject: 1 });
    admission.enter().admit(alice);
    expect(refusal(() => admission.enter().admit(alice))).toEqual({
      status: 429,
      code: "TOO_MANY_OPERATIONS",
      headers: { "retry-after": "1" },
    });
    expect(refusal(() => admission.enter().admit(bob))).toBeUndefined();
  });

  it("tells apart the same subject from two issuers", () => {
    const admission = new Admission({ maxInFlight: 10, maxInFlightPerSubject: 1 });
    admission.enter().admit(alice);
    expect(refusal(() => admission.enter().admit({ ...alice, issuer: "https://other.idp" }))).toBeUndefined();
  });

  it("gives both places back once, however often released", () => {
    const admission = new Admission({ maxInFlight: 1, maxInFlightPerSubject: 1 });
    const ticket = admission.enter();
    ticket.admit(alice);
    ticket.release();
    ticket.release();
    expect(admission.size).toBe(0);
    const next = admission.enter();
    expect(refusal(() => next.admit(alice))).toBeUndefined();
    expect(refusal(() => admission.enter())).toMatchObject({ status: 503 });
  });

  it("gives the global place back for a request refused before its caller was known", () => {
    const admission = new Admission({ maxInFlight: 1, maxInFlightPerSubject: 1 });
    admission.enter().release();
    expect(refusal(() => admission.enter())).toBeUndefined();
  });
});
