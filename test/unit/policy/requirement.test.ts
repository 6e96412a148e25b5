import { combineRequirements, PolicyDocumentError, requirementFromLabel } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { coalitions, expectRefusal, type RequirementSpec, requirementOf } from "./fixtures.js";

const FVEY = ["AUS", "CAN", "GBR", "NZL", "USA"];

describe("requirementFromLabel: one @label application read", () => {
  it.each<[string, Record<string, unknown>, RequirementSpec]>([
    ["only a level: no owner, releasable to nobody, no other restriction", { level: "SECRET" }, { level: "SECRET" }],
    ["the owner is always releasable to", { level: "SECRET", owner: "FRA" }, { owner: "FRA", level: "SECRET", releasableTo: ["FRA"] }],
    [
      "releasableTo by code, with the owner added",
      { level: "RESTRICTED", owner: "FRA", releasableTo: ["DEU"] },
      { owner: "FRA", level: "RESTRICTED", releasableTo: ["DEU", "FRA"] },
    ],
    [
      "releasableTo by coalition, expanded to its members",
      { level: "RESTRICTED", owner: "FRA", releasableTo: ["FVEY", "EST"] },
      { owner: "FRA", level: "RESTRICTED", releasableTo: [...FVEY, "EST", "FRA"] },
    ],
    [
      "every restriction at once",
      {
        level: "TOP_SECRET",
        owner: "GBR",
        releasableTo: ["USA"],
        compartments: ["ORCHID", "HARBOR"],
        purposes: ["CT"],
        scopes: ["a:read", "b:read"],
        onDeny: "REJECT",
      },
      {
        owner: "GBR",
        level: "TOP_SECRET",
        releasableTo: ["GBR", "USA"],
        compartments: ["HARBOR", "ORCHID"],
        purposes: ["CT"],
        scopeGroups: [["a:read", "b:read"]],
        onDeny: "REJECT",
      },
    ],
    [
      "explicit nulls are the same as leaving an argument out",
      { level: "CONFIDENTIAL", owner: null, releasableTo: null, compartments: null, purposes: null, scopes: null, onDeny: null },
      { level: "CONFIDENTIAL" },
    ],
    ["an owner that is not a string is no owner", { level: "SECRET", owner: 7 }, { level: "SECRET" }],
    ["onDeny REDACT", { level: "SECRET", onDeny: "REDACT" }, { level: "SECRET", onDeny: "REDACT" }],
  ])("%s", (_name, args, expected) => {
    expect(requirementFromLabel(args, coalitions())).toEqual(requirementOf(expected));
  });

  it.each([
    ["no level", { owner: "FRA" }, "@label level must be a classification, got undefined"],
    ["an unknown level", { level: "SECRETISH" }, "@label level must be a classification, got SECRETISH"],
    ["a level that is not a string", { level: 3 }, "@label level must be a classification, got 3"],
    ["releasableTo that is not a list", { level: "SECRET", releasableTo: "GBR" }, "@label releasableTo must be a list of strings"],
    ["releasableTo with a non-string", { level: "SECRET", releasableTo: ["GBR", 7] }, "@label releasableTo must be a list of strings"],
    ["an unknown coalition", { level: "SECRET", releasableTo: ["ATLANTIS"] }, 'unknown nation or coalition "ATLANTIS" in releasableTo'],
    ["compartments with a non-string", { level: "SECRET", compartments: ["A", 1] }, "@label compartments must be a list of strings"],
    ["purposes that are not a list", { level: "SECRET", purposes: "CT" }, "@label purposes must be a list of strings"],
    ["scopes with a non-string", { level: "SECRET", scopes: [true] }, "@label scopes must be a list of strings"],
    ["an empty scopes list", { level: "SECRET", scopes: [] }, "@label scopes must not be empty when given"],
    ["an unknown onDeny", { level: "SECRET", onDeny: "MAYBE" }, "@label onDeny must be REDACT or REJECT"],
  ])("refuses %s", (_name, args, message) => {
    expectRefusal(() => requirementFromLabel(args, coalitions()), PolicyDocumentError, message);
  });
});

describe("combineRequirements: the most restrictive combination of two labels", () => {
  it.each<[string, RequirementSpec, RequirementSpec, RequirementSpec]>([
    [
      "the same owner, the higher level, releasability intersected, compartments united",
      { owner: "FRA", level: "CONFIDENTIAL", releasableTo: ["DEU", "FRA", "GBR"], compartments: ["A"] },
      { owner: "FRA", level: "SECRET", releasableTo: ["FRA", "GBR", "USA"], compartments: ["B", "A"] },
      { owner: "FRA", level: "SECRET", releasableTo: ["FRA", "GBR"], compartments: ["A", "B"] },
    ],
    ["the higher level on the left", { level: "TOP_SECRET" }, { level: "RESTRICTED" }, { level: "TOP_SECRET" }],
    ["an owner only on the right", { owner: null }, { owner: "GBR" }, { owner: "GBR" }],
    ["an owner only on the left", { owner: "GBR" }, { owner: null }, { owner: "GBR" }],
    ["purposes on both sides: intersected", { purposes: ["CT", "CYBER"] }, { purposes: ["CYBER", "POLICY"] }, { purposes: ["CYBER"] }],
    ["purposes only on the left: kept", { purposes: ["CT"] }, {}, { purposes: ["CT"] }],
    ["purposes only on the right: kept", {}, { purposes: ["CT"] }, { purposes: ["CT"] }],
    ["purposes on neither side: unrestricted", {}, {}, { purposes: null }],
    ["scope groups: both kept, left first", { scopeGroups: [["a"]] }, { scopeGroups: [["b", "c"]] }, { scopeGroups: [["a"], ["b", "c"]] }],
    ["REJECT on the left", { onDeny: "REJECT" }, { onDeny: "REDACT" }, { onDeny: "REJECT" }],
    ["REJECT on the right", { onDeny: "REDACT" }, { onDeny: "REJECT" }, { onDeny: "REJECT" }],
    ["REDACT on both sides", { onDeny: "REDACT" }, { onDeny: "REDACT" }, { onDeny: "REDACT" }],
  ])("%s", (_name, a, b, expected) => {
    expect(combineRequirements(requirementOf(a), requirementOf(b))).toEqual(requirementOf(expected));
  });
});
