import {
  ALLOW_FOREVER,
  type Check,
  decide,
  FOREVER,
  operationOutcome,
  REASONS,
  type Requirement,
  requirementFromLabel,
  type Subject,
  specifiedChecks,
} from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { coalitions, type PrincipalSpec, principal } from "../../support/policy-harness.js";

const requirement = (args: Record<string, unknown>): Requirement =>
  requirementFromLabel({ owner: "FRA", level: "RESTRICTED", ...args }, coalitions);
const checkNamed = (reason: string) => specifiedChecks.find((check) => check.reason === reason)!;
const at = { now: 0 };

interface Row {
  name: string;
  label: Record<string, unknown>;
  caller: PrincipalSpec;
  allows: boolean;
}

// One table per check, each row one edge of that check alone.
const tables: Record<string, Row[]> = {
  CLEARANCE: [
    { name: "equal", label: { level: "SECRET" }, caller: { clearance: "SECRET" }, allows: true },
    { name: "one above", label: { level: "SECRET" }, caller: { clearance: "TOP_SECRET" }, allows: true },
    { name: "one below", label: { level: "SECRET" }, caller: { clearance: "CONFIDENTIAL" }, allows: false },
    { name: "lowest against lowest", label: { level: "UNCLASSIFIED" }, caller: { clearance: "UNCLASSIFIED" }, allows: true },
    { name: "lowest against highest", label: { level: "TOP_SECRET" }, caller: { clearance: "UNCLASSIFIED" }, allows: false },
  ],
  RELEASABILITY: [
    { name: "the owner, not listed", label: { releasableTo: ["DEU"] }, caller: { nation: "FRA" }, allows: true },
    { name: "listed by code", label: { releasableTo: ["DEU"] }, caller: { nation: "DEU" }, allows: true },
    { name: "member of a listed coalition", label: { releasableTo: ["FVEY"] }, caller: { nation: "NZL" }, allows: true },
    { name: "not listed", label: { releasableTo: ["DEU"] }, caller: { nation: "GBR" }, allows: false },
    { name: "nothing listed: owner only", label: {}, caller: { nation: "GBR" }, allows: false },
  ],
  COMPARTMENT: [
    { name: "no compartments", label: {}, caller: {}, allows: true },
    { name: "all held", label: { compartments: ["A", "B"] }, caller: { compartments: ["B", "A"] }, allows: true },
    { name: "one of two held", label: { compartments: ["A", "B"] }, caller: { compartments: ["A"] }, allows: false },
    { name: "none held", label: { compartments: ["A"] }, caller: {}, allows: false },
  ],
  PURPOSE: [
    { name: "unrestricted", label: {}, caller: { purpose: "ANY" }, allows: true },
    {
      name: "declared one of the listed",
      label: { purposes: ["CT", "CYBER"] },
      caller: { purposes: ["CYBER"], purpose: "CYBER" },
      allows: true,
    },
    {
      name: "declared another, though authorised for a listed one",
      label: { purposes: ["CYBER"] },
      caller: { purposes: ["CT", "CYBER"], purpose: "CT" },
      allows: false,
    },
  ],
  SCOPE: [
    { name: "no scopes asked", label: {}, caller: {}, allows: true },
    { name: "one of the group held", label: { scopes: ["a", "b"] }, caller: { scopes: ["b"] }, allows: true },
    { name: "none of the group held", label: { scopes: ["a", "b"] }, caller: { scopes: ["c"] }, allows: false },
  ],
};

describe("each check on its own", () => {
  for (const [reason, rows] of Object.entries(tables)) {
    it.each(rows)(`${reason}: $name`, ({ label, caller, allows }) => {
      expect(checkNamed(reason).allows(requirement(label), principal({ nation: "FRA", ...caller }), at)).toBe(allows);
    });
  }

  it("scopes: every label's group needs a scope of its own", () => {
    const both: Requirement = { ...requirement({}), scopeGroups: [new Set(["a"]), new Set(["b"])] };
    expect(checkNamed("SCOPE").allows(both, principal({ scopes: ["a"] }), at)).toBe(false);
    expect(checkNamed("SCOPE").allows(both, principal({ scopes: ["a", "b"] }), at)).toBe(true);
  });

  it("are run in the order their reasons are reported, one per reason category", () => {
    expect(specifiedChecks.map((check) => check.reason)).toEqual(["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE"]);
    expect(REASONS).toEqual(["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE", "UNLABELLED"]);
  });
});

describe("decide's validity (time-bound checks)", () => {
  const subject: Subject = principal();
  const expiring = (until: number, allows = true): Check => ({ reason: "SCOPE", allows: () => allows, validUntil: () => until });

  it("a decision no check bounds in time is valid forever, and is the shared allow", () => {
    expect(decide([requirement({})], principal({ nation: "FRA" }), at)).toBe(ALLOW_FOREVER);
    expect(ALLOW_FOREVER).toEqual({ allowed: true, validUntil: FOREVER });
  });

  it("an allow is valid until the earliest time any check's answer may change", () => {
    expect(decide([requirement({})], subject, at, [expiring(9000), expiring(5000), expiring(7000)])).toEqual({
      allowed: true,
      validUntil: 5000,
    });
  });

  it("the earliest over every requirement counts", () => {
    let calls = 0;
    const perRequirement: Check = { reason: "SCOPE", allows: () => true, validUntil: () => (calls++ === 0 ? 8000 : 3000) };
    expect(decide([requirement({}), requirement({})], subject, at, [perRequirement])).toEqual({ allowed: true, validUntil: 3000 });
  });

  it("a denial carries its validity too, so a denial that will lapse is not cached past it", () => {
    expect(decide([requirement({})], subject, at, [expiring(4000, false)])).toEqual({
      allowed: false,
      reasons: ["SCOPE"],
      onDeny: "REDACT",
      validUntil: 4000,
    });
  });

  it("the checks read the time they are given", () => {
    const seen: number[] = [];
    const clock: Check = {
      reason: "SCOPE",
      allows: (_r, _s, context) => {
        seen.push(context.now);
        return true;
      },
    };
    decide([requirement({})], subject, { now: 1234 }, [clock]);
    expect(seen).toEqual([1234]);
  });
});

describe("operationOutcome: what denials do to an operation, decided in one place", () => {
  it.each([
    ["no denial, redact mode", [], "redact", "execute"],
    ["no denial, reject mode", [], "reject", "execute"],
    ["REDACT denials, redact mode", [{ onDeny: "REDACT" }, { onDeny: "REDACT" }], "redact", "execute"],
    ["one REJECT denial among REDACT ones", [{ onDeny: "REDACT" }, { onDeny: "REJECT" }], "redact", "reject"],
    ["any denial, reject mode", [{ onDeny: "REDACT" }], "reject", "reject"],
  ] as const)("%s → %s", (_name, denials, mode, outcome) => {
    expect(operationOutcome(denials, mode)).toBe(outcome);
  });
});
