import {
  combineRequirements,
  decide as decideAt,
  type Reason,
  type Requirement,
  requirementFromLabel,
  type Subject,
} from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { coalitions, type PrincipalSpec, principal } from "../../support/policy-harness.js";

const decide = (requirements: readonly Requirement[], subject: Subject) => decideAt(requirements, subject, { now: 0 });

const rule = (args: Record<string, unknown>): Requirement => requirementFromLabel({ owner: "FRA", ...args }, coalitions);

interface Row {
  name: string;
  label: Record<string, unknown>;
  caller: PrincipalSpec;
  expected: Reason[] | "allow";
}

// One row for each rule and each edge of the decision.
const rows: Row[] = [
  {
    name: "clearance equal to the level",
    label: { level: "SECRET", releasableTo: ["NATO"] },
    caller: { nation: "GBR", clearance: "SECRET" },
    expected: "allow",
  },
  {
    name: "clearance above the level",
    label: { level: "SECRET", releasableTo: ["NATO"] },
    caller: { nation: "GBR", clearance: "TOP_SECRET" },
    expected: "allow",
  },
  {
    name: "clearance one below the level",
    label: { level: "SECRET", releasableTo: ["NATO"] },
    caller: { nation: "GBR", clearance: "CONFIDENTIAL" },
    expected: ["CLEARANCE"],
  },
  {
    name: "UNCLASSIFIED caller, UNCLASSIFIED field",
    label: { level: "UNCLASSIFIED", releasableTo: ["NATO"] },
    caller: { nation: "GBR", clearance: "UNCLASSIFIED" },
    expected: "allow",
  },
  { name: "the owner's own analyst, no releasableTo", label: { level: "RESTRICTED" }, caller: { nation: "FRA" }, expected: "allow" },
  {
    name: "a partner, no releasableTo: owner only",
    label: { level: "RESTRICTED" },
    caller: { nation: "GBR" },
    expected: ["RELEASABILITY"],
  },
  {
    name: "the owner is not limited by releasableTo",
    label: { level: "RESTRICTED", releasableTo: ["DEU"] },
    caller: { nation: "FRA" },
    expected: "allow",
  },
  { name: "nation listed by code", label: { level: "RESTRICTED", releasableTo: ["EST"] }, caller: { nation: "EST" }, expected: "allow" },
  {
    name: "nation in a coalition (FVEY)",
    label: { level: "RESTRICTED", releasableTo: ["FVEY"] },
    caller: { nation: "CAN" },
    expected: "allow",
  },
  {
    name: "nation outside the coalition",
    label: { level: "RESTRICTED", releasableTo: ["FVEY"] },
    caller: { nation: "EST" },
    expected: ["RELEASABILITY"],
  },
  {
    name: "every compartment held",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], compartments: ["ORCHID", "HARBOR"] },
    caller: { nation: "GBR", compartments: ["HARBOR", "ORCHID", "OTHER"] },
    expected: "allow",
  },
  {
    name: "one compartment missing",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], compartments: ["ORCHID", "HARBOR"] },
    caller: { nation: "GBR", compartments: ["ORCHID"] },
    expected: ["COMPARTMENT"],
  },
  {
    name: "no compartments held",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], compartments: ["ORCHID"] },
    caller: { nation: "GBR" },
    expected: ["COMPARTMENT"],
  },
  {
    name: "declared purpose among the label's",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], purposes: ["CT", "CYBER"] },
    caller: { nation: "GBR", purposes: ["CT", "POLICY"], purpose: "CT" },
    expected: "allow",
  },
  {
    name: "declared purpose not among the label's, even if authorised for one of them",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], purposes: ["CYBER"] },
    caller: { nation: "GBR", purposes: ["CT", "CYBER"], purpose: "CT" },
    expected: ["PURPOSE"],
  },
  {
    name: "no purposes on the label: any purpose",
    label: { level: "RESTRICTED", releasableTo: ["NATO"] },
    caller: { nation: "GBR", purpose: "POLICY" },
    expected: "allow",
  },
  {
    name: "one of the scopes held",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], scopes: ["a:read", "b:read"] },
    caller: { nation: "GBR", scopes: ["b:read"] },
    expected: "allow",
  },
  {
    name: "none of the scopes held",
    label: { level: "RESTRICTED", releasableTo: ["NATO"], scopes: ["a:read"] },
    caller: { nation: "GBR", scopes: ["b:read"] },
    expected: ["SCOPE"],
  },
  {
    name: "every failing rule is reported",
    label: { level: "TOP_SECRET", releasableTo: ["FVEY"], compartments: ["X"], purposes: ["CYBER"], scopes: ["s"] },
    caller: { nation: "EST", clearance: "SECRET", purpose: "CT" },
    expected: ["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE"],
  },
];

describe("decide(rules, principal): the policy decision point", () => {
  it.each(rows)("$name", ({ label, caller, expected }) => {
    const decision = decide([rule(label)], principal(caller));
    if (expected === "allow") expect(decision).toMatchObject({ allowed: true });
    else expect(decision).toMatchObject({ allowed: false, reasons: expected });
  });

  it("denies a field with no rules at all (unlabelled)", () => {
    expect(decide([], principal())).toMatchObject({ allowed: false, reasons: ["UNLABELLED"] });
  });

  it("needs every nation's rule on a field to allow", () => {
    const gbr = requirementFromLabel({ owner: "GBR", level: "RESTRICTED", releasableTo: ["NATO"] }, coalitions);
    const est = requirementFromLabel({ owner: "EST", level: "RESTRICTED", releasableTo: ["EU"] }, coalitions);
    expect(decide([gbr, est], principal({ nation: "GBR" }))).toMatchObject({ allowed: false, reasons: ["RELEASABILITY"] });
    expect(decide([gbr, est], principal({ nation: "FRA" }))).toMatchObject({ allowed: true });
  });

  it("asks for REJECT when a failing rule says so, and REDACT otherwise", () => {
    const reject = rule({ level: "SECRET", releasableTo: ["NATO"], onDeny: "REJECT" });
    const redact = rule({ level: "RESTRICTED", releasableTo: ["NATO"] });
    expect(decide([redact, reject], principal({ clearance: "RESTRICTED" }))).toMatchObject({ onDeny: "REJECT" });
    expect(decide([redact, reject], principal({ clearance: "SECRET", compartments: [] }))).toMatchObject({ allowed: true });
    const passingReject = rule({ level: "RESTRICTED", releasableTo: ["NATO"], onDeny: "REJECT" });
    const failingRedact = rule({ level: "SECRET", releasableTo: ["NATO"] });
    expect(decide([passingReject, failingRedact], principal({ clearance: "RESTRICTED" }))).toMatchObject({ onDeny: "REDACT" });
  });
});

describe("combining labels: the most restrictive wins", () => {
  const combined = combineRequirements(
    rule({ level: "CONFIDENTIAL", releasableTo: ["NATO"], purposes: ["CT", "CYBER"], scopes: ["a"] }),
    rule({ level: "SECRET", releasableTo: ["EU", "GBR"], compartments: ["ORCHID"], purposes: ["CYBER"], scopes: ["b"] }),
  );

  it("takes the higher level, intersects releasability and purposes, unions compartments, keeps both scope requirements", () => {
    expect(combined.level).toBe("SECRET");
    expect(combined.releasableTo.has("GBR")).toBe(true);
    expect(combined.releasableTo.has("USA")).toBe(false); // NATO but not EU nor GBR
    expect(combined.releasableTo.has("IRL")).toBe(false); // EU but not NATO
    expect([...combined.compartments]).toEqual(["ORCHID"]);
    expect([...combined.purposes!]).toEqual(["CYBER"]);
    expect(combined.scopeGroups.map((g) => [...g])).toEqual([["a"], ["b"]]);
    expect(
      decide([combined], principal({ nation: "GBR", clearance: "SECRET", compartments: ["ORCHID"], purpose: "CYBER", scopes: ["a"] })),
    ).toMatchObject({ reasons: ["SCOPE"] });
  });

  it("refuses a malformed label instead of guessing", () => {
    expect(() => rule({ level: "SECRETISH" })).toThrow(/level/);
    expect(() => rule({ level: "SECRET", releasableTo: ["ATLANTIS"] })).toThrow(/ATLANTIS/);
    expect(() => rule({ level: "SECRET", releasableTo: "GBR" })).toThrow(/releasableTo/);
    expect(() => rule({ level: "SECRET", scopes: [] })).toThrow(/scopes/);
    expect(() => rule({ level: "SECRET", onDeny: "MAYBE" })).toThrow(/onDeny/);
  });
});
