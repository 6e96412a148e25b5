import {
  ALLOW_FOREVER,
  type Check,
  combineRequirements,
  type Decision,
  decide as decideAt,
  decideField,
  type FieldPolicy,
  FOREVER,
  type LabelIndex,
  markOfRequirements,
  type Reason,
  type Requirement,
  requirementFromLabel,
  type Subject,
} from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { openAgreements } from "../../support/agreements-fixture.js";
import { coalitions, principal, requirementOf, type SubjectSpec } from "./fixtures.js";

// Every nation shares everything: these tests are about the other checks (the agreement check has its own).
const OPEN = openAgreements();

const decide = (requirements: readonly Requirement[], subject: Subject) => decideAt(requirements, subject, { now: 0, agreements: OPEN });

const rule = (args: Record<string, unknown>): Requirement => requirementFromLabel({ owner: "FRA", ...args }, coalitions());

const denied = (reasons: Reason[], onDeny: "REDACT" | "REJECT" = "REDACT", validUntil = FOREVER): Decision => ({
  allowed: false,
  reasons,
  onDeny,
  validUntil,
});
const UNLABELLED = denied(["UNLABELLED"]);

interface Row {
  name: string;
  label: Record<string, unknown>;
  caller: SubjectSpec;
  /** "allow", or the reasons of a REDACT denial in the order they are reported. */
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
    expect(decide([rule(label)], principal(caller))).toEqual(expected === "allow" ? ALLOW_FOREVER : denied(expected));
  });

  it("denies a field with no rules at all (unlabelled), for whoever asks", () => {
    expect(decide([], principal())).toEqual(UNLABELLED);
    expect(ALLOW_FOREVER).toEqual({ allowed: true, validUntil: FOREVER });
  });

  it("needs every nation's rule on a field to allow", () => {
    const gbr = requirementFromLabel({ owner: "GBR", level: "RESTRICTED", releasableTo: ["NATO"] }, coalitions());
    const est = requirementFromLabel({ owner: "EST", level: "RESTRICTED", releasableTo: ["EU"] }, coalitions());
    expect(decide([gbr, est], principal({ nation: "GBR" }))).toEqual(denied(["RELEASABILITY"]));
    expect(decide([gbr, est], principal({ nation: "FRA" }))).toEqual(ALLOW_FOREVER);
  });

  it("reports each reason once, in the order the requirements first fail it", () => {
    const secret = rule({ level: "SECRET", releasableTo: ["NATO"] });
    const scoped = rule({ level: "TOP_SECRET", releasableTo: ["NATO"], scopes: ["s"] });
    expect(decide([secret, scoped], principal({ clearance: "CONFIDENTIAL" }))).toEqual(denied(["CLEARANCE", "SCOPE"]));
    expect(decide([scoped, secret], principal({ clearance: "SECRET" }))).toEqual(denied(["CLEARANCE", "SCOPE"]));
  });

  it("asks for REJECT when a failing rule says so, and REDACT otherwise", () => {
    const reject = rule({ level: "SECRET", releasableTo: ["NATO"], onDeny: "REJECT" });
    const redact = rule({ level: "RESTRICTED", releasableTo: ["NATO"] });
    expect(decide([redact, reject], principal({ clearance: "RESTRICTED" }))).toEqual(denied(["CLEARANCE"], "REJECT"));
    expect(decide([reject, redact], principal({ clearance: "RESTRICTED" }))).toEqual(denied(["CLEARANCE"], "REJECT"));
    expect(decide([redact, reject], principal({ clearance: "SECRET" }))).toEqual(ALLOW_FOREVER);
    const passingReject = rule({ level: "RESTRICTED", releasableTo: ["NATO"], onDeny: "REJECT" });
    const failingRedact = rule({ level: "SECRET", releasableTo: ["NATO"] });
    expect(decide([passingReject, failingRedact], principal({ clearance: "RESTRICTED" }))).toEqual(denied(["CLEARANCE"]));
    expect(decide([failingRedact, passingReject], principal({ clearance: "RESTRICTED" }))).toEqual(denied(["CLEARANCE"]));
  });

  it("needs a scope from each label's group of a combined requirement", () => {
    const combined = combineRequirements(
      rule({ level: "CONFIDENTIAL", releasableTo: ["NATO"], scopes: ["a"] }),
      rule({ level: "SECRET", releasableTo: ["EU", "GBR"], scopes: ["b"] }),
    );
    const caller = (scopes: string[]) => principal({ nation: "GBR", clearance: "SECRET", scopes });
    expect(decide([combined], caller(["a"]))).toEqual(denied(["SCOPE"]));
    expect(decide([combined], caller(["a", "b"]))).toEqual(ALLOW_FOREVER);
  });
});

describe("decide's validity: time-bound checks passed as the fourth argument", () => {
  const subject: Subject = principal();
  const requirement = requirementOf({ owner: "GBR", level: "RESTRICTED" });
  const at = { now: 1000, agreements: OPEN };
  const expiring = (until: number, allows = true): Check => ({ reason: "SCOPE", allows: () => allows, validUntil: () => until });
  const timeless = (allows = true): Check => ({ reason: "PURPOSE", allows: () => allows });

  it("a decision no check bounds in time is valid FOREVER, and is the shared allow", () => {
    expect(decideAt([requirement], subject, at, [timeless(), timeless()])).toBe(ALLOW_FOREVER);
    expect(decideAt([requirement], subject, at, [expiring(FOREVER)])).toBe(ALLOW_FOREVER);
    expect(decideAt([requirement], subject, at)).toBe(ALLOW_FOREVER);
  });

  it.each([
    ["one time-bound check", [expiring(5000)], 5000],
    ["the earliest of several, whatever their order", [expiring(9000), expiring(5000), expiring(7000)], 5000],
    ["the earliest, last in the list", [expiring(9000), expiring(7000), expiring(5000)], 5000],
    ["a time-bound check beside timeless ones", [timeless(), expiring(6000), timeless()], 6000],
    ["a time already past still bounds the answer", [expiring(FOREVER), expiring(0)], 0],
  ])("an allow is valid until %s says", (_name, checks, validUntil) => {
    expect(decideAt([requirement], subject, at, checks)).toEqual({ allowed: true, validUntil });
  });

  it("the earliest over every requirement counts", () => {
    const untils = [8000, 3000, 6000];
    const perRequirement: Check = { reason: "SCOPE", allows: () => true, validUntil: () => untils.shift()! };
    expect(decideAt([requirement, requirement, requirement], subject, at, [perRequirement])).toEqual({ allowed: true, validUntil: 3000 });
  });

  it("a denial carries its validity too, so a denial that will lapse is not cached past it", () => {
    expect(decideAt([requirement], subject, at, [expiring(4000, false)])).toEqual(denied(["SCOPE"], "REDACT", 4000));
    expect(decideAt([requirement], subject, at, [timeless(false), expiring(4000)])).toEqual(denied(["PURPOSE"], "REDACT", 4000));
    expect(decideAt([requirement], subject, at, [timeless(false)])).toEqual(denied(["PURPOSE"]));
  });

  it("the checks read the time and the requirement they are given", () => {
    const seen: unknown[] = [];
    const clock: Check = {
      reason: "SCOPE",
      allows: (r, s, context) => seen.push(["allows", r, s, context.now]) > 0,
      validUntil: (r, s, context) => seen.push(["validUntil", r, s, context.now]) + context.now,
    };
    expect(decideAt([requirement], subject, { now: 1234, agreements: OPEN }, [clock])).toEqual({ allowed: true, validUntil: 1235 });
    expect(seen).toEqual([
      ["validUntil", requirement, subject, 1234],
      ["allows", requirement, subject, 1234],
    ]);
  });
});

describe("decideField: a field selected on each of its possible parent types", () => {
  const policy = (...requirements: Requirement[]): FieldPolicy => ({ requirements, mark: markOfRequirements(requirements) });
  // Built in each test: a mutation run then tries each mutant against the tests that read it.
  const index = (): LabelIndex =>
    new Map([
      ["Memo.title", policy(requirementOf({ owner: "GBR", level: "RESTRICTED", releasableTo: ["FRA", "GBR"] }))],
      ["Cable.title", policy(requirementOf({ owner: "GBR", level: "SECRET", releasableTo: ["FRA", "GBR"] }))],
      [
        "Actor.id",
        policy(
          requirementOf({ owner: "GBR", level: "RESTRICTED", releasableTo: ["GBR"] }),
          requirementOf({ owner: "FRA", level: "RESTRICTED", releasableTo: ["FRA"] }),
        ),
      ],
    ]);
  const at = { now: 0, agreements: OPEN };
  const fra = (clearance: "RESTRICTED" | "SECRET") => principal({ nation: "FRA", clearance });

  it.each<[string, string[], string, "RESTRICTED" | "SECRET", Decision]>([
    ["one parent type, allowed", ["Memo"], "title", "RESTRICTED", ALLOW_FOREVER],
    ["one parent type, denied", ["Cable"], "title", "RESTRICTED", denied(["CLEARANCE"])],
    ["one parent type, every nation's requirement", ["Actor"], "id", "SECRET", denied(["RELEASABILITY"])],
    ["one parent type, unlabelled", ["Memo"], "body", "SECRET", UNLABELLED],
    ["several parent types: each type's requirements", ["Memo", "Cable"], "title", "RESTRICTED", denied(["CLEARANCE"])],
    ["several parent types, the strictest last", ["Cable", "Memo"], "title", "RESTRICTED", denied(["CLEARANCE"])],
    ["several parent types, all allowed", ["Memo", "Cable"], "title", "SECRET", ALLOW_FOREVER],
    ["several parent types, the last unlabelled", ["Memo", "Cable", "Report"], "title", "SECRET", UNLABELLED],
    ["several parent types, the first unlabelled", ["Report", "Memo"], "title", "SECRET", UNLABELLED],
    ["no parent types (an interface nobody implements): nothing can be revealed", [], "title", "RESTRICTED", ALLOW_FOREVER],
  ])("%s", (_name, parentTypes, fieldName, clearance, expected) => {
    expect(decideField(index(), parentTypes, fieldName, fra(clearance), at)).toEqual(expected);
  });

  it("gives the shared decisions themselves when nothing bounds them", () => {
    expect(decideField(index(), [], "title", fra("SECRET"), at)).toBe(ALLOW_FOREVER);
    expect(decideField(index(), ["Memo", "Cable"], "title", fra("SECRET"), at)).toBe(ALLOW_FOREVER);
  });

  it("decides with the checks it is given", () => {
    const expiring: Check = { reason: "SCOPE", allows: () => true, validUntil: () => 777 };
    expect(decideField(index(), ["Cable"], "title", fra("RESTRICTED"), at, [expiring])).toEqual({ allowed: true, validUntil: 777 });
    expect(decideField(index(), ["Memo", "Cable"], "title", fra("RESTRICTED"), at, [expiring])).toEqual({ allowed: true, validUntil: 777 });
  });
});
