import { CLASSIFICATIONS, type Classification, dominates, higher, isClassification, rank } from "@tearline/policy";
import { describe, expect, it } from "vitest";

describe("classification levels", () => {
  it("are ordered lowest first, each ranked by its place", () => {
    expect(CLASSIFICATIONS).toEqual(["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET"]);
    expect(CLASSIFICATIONS.map(rank)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ["UNCLASSIFIED", true],
    ["TOP_SECRET", true],
    ["secret", false],
    ["SECRET ", false],
    ["", false],
    [3, false],
    [undefined, false],
    [null, false],
    [["SECRET"], false],
  ] as const)("isClassification(%j) is %s", (value, expected) => {
    expect(isClassification(value)).toBe(expected);
  });

  it.each<[Classification, Classification, boolean, Classification]>([
    // held, required, dominates, the higher of the two
    ["SECRET", "SECRET", true, "SECRET"],
    ["TOP_SECRET", "SECRET", true, "TOP_SECRET"],
    ["CONFIDENTIAL", "SECRET", false, "SECRET"],
    ["UNCLASSIFIED", "UNCLASSIFIED", true, "UNCLASSIFIED"],
    ["UNCLASSIFIED", "TOP_SECRET", false, "TOP_SECRET"],
    ["TOP_SECRET", "UNCLASSIFIED", true, "TOP_SECRET"],
  ])("%s against %s: dominates %s, higher %s", (held, required, expected, top) => {
    expect(dominates(held, required)).toBe(expected);
    expect(higher(held, required)).toBe(top);
    expect(higher(required, held)).toBe(top);
  });
});
