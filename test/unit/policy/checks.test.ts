import { REASONS, type Requirement, requirementFromLabel, specifiedChecks } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { openAgreements } from "../../support/agreements-fixture.js";
import { coalitions, principal, requirementOf, type SubjectSpec } from "./fixtures.js";

// Every nation shares everything: these tests are about the other checks (the agreement check has its own).
const OPEN = openAgreements();

const requirement = (args: Record<string, unknown>): Requirement =>
  requirementFromLabel({ owner: "FRA", level: "RESTRICTED", ...args }, coalitions());
const checkNamed = (reason: string) => specifiedChecks.find((check) => check.reason === reason)!;
const at = { now: 0, agreements: OPEN };

interface Row {
  name: string;
  /** A label's arguments (owner FRA, level RESTRICTED unless given), or a requirement written out by hand. */
  label: Record<string, unknown> | Requirement;
  caller: SubjectSpec;
  allows: boolean;
}
const isRequirement = (label: Row["label"]): label is Requirement => label.releasableTo instanceof Set;

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
    // A requirement need not list its owner: the owner reads its own data all the same.
    { name: "the owner, listed nowhere", label: requirementOf({ owner: "FRA" }), caller: { nation: "FRA" }, allows: true },
    { name: "no owner, listed", label: requirementOf({ releasableTo: ["DEU"] }), caller: { nation: "DEU" }, allows: true },
    { name: "no owner, not listed", label: requirementOf({ releasableTo: ["DEU"] }), caller: { nation: "FRA" }, allows: false },
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
    { name: "no scopes asked, some held", label: {}, caller: { scopes: ["a"] }, allows: true },
    { name: "one of the group held", label: { scopes: ["a", "b"] }, caller: { scopes: ["b"] }, allows: true },
    { name: "none of the group held", label: { scopes: ["a", "b"] }, caller: { scopes: ["c"] }, allows: false },
  ],
};

describe("each check on its own", () => {
  for (const [reason, rows] of Object.entries(tables)) {
    it.each(rows)(`${reason}: $name`, ({ label, caller, allows }) => {
      const subject = principal({ nation: "FRA", ...caller });
      expect(checkNamed(reason).allows(isRequirement(label) ? label : requirement(label), subject, at)).toBe(allows);
    });
  }

  it("scopes: every label's group needs a scope of its own", () => {
    const both = requirementOf({ scopeGroups: [["a"], ["b"]] });
    expect(checkNamed("SCOPE").allows(both, principal({ scopes: ["a"] }), at)).toBe(false);
    expect(checkNamed("SCOPE").allows(both, principal({ scopes: ["a", "b"] }), at)).toBe(true);
  });

  it("are run in the order their reasons are reported, one per reason category", () => {
    expect(specifiedChecks.map((check) => check.reason)).toEqual([
      "CLEARANCE",
      "RELEASABILITY",
      "COMPARTMENT",
      "PURPOSE",
      "SCOPE",
      "AGREEMENT",
    ]);
    expect(REASONS).toEqual(["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE", "AGREEMENT", "UNLABELLED"]);
  });

  it("are timeless but for the agreement check: only an agreement's dates bound a decision's validity", () => {
    expect(specifiedChecks.filter((check) => check.validUntil !== undefined).map((check) => check.reason)).toEqual(["AGREEMENT"]);
  });
});
