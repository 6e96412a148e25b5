import { type Subject, subjectKey } from "@tearline/policy";
import { describe, expect, it } from "vitest";

const subject = (overrides: Partial<Subject> = {}): Subject => ({
  nation: "GBR",
  clearance: "SECRET",
  compartments: new Set(["ORCHID", "HARBOR"]),
  purpose: "CT",
  scopes: new Set(["b:read", "a:read"]),
  ...overrides,
});

describe("subjectKey: everything a decision reads, as one string", () => {
  it("is the JSON of the attributes, sets sorted", () => {
    expect(subjectKey(subject())).toBe('["GBR","SECRET",["HARBOR","ORCHID"],"CT",["a:read","b:read"]]');
  });

  it("does not depend on the order the sets were filled in", () => {
    const reordered = subject({ compartments: new Set(["HARBOR", "ORCHID"]), scopes: new Set(["a:read", "b:read"]) });
    expect(subjectKey(reordered)).toBe(subjectKey(subject()));
  });

  it.each<[string, Partial<Subject>]>([
    ["another nation", { nation: "FRA" }],
    ["another clearance", { clearance: "TOP_SECRET" }],
    ["a compartment fewer", { compartments: new Set(["ORCHID"]) }],
    ["another purpose", { purpose: "CYBER" }],
    ["a scope fewer", { scopes: new Set(["a:read"]) }],
    ["a compartment name holding a separator", { compartments: new Set(["HARBOR,ORCHID"]) }],
    ["the scopes as compartments", { compartments: new Set(["a:read", "b:read"]), scopes: new Set(["HARBOR", "ORCHID"]) }],
  ])("differs for %s", (_name, overrides) => {
    expect(subjectKey(subject(overrides))).not.toBe(subjectKey(subject()));
  });
});
