import { expandReleasability, isNationCode, PolicyDocumentError, parseCoalitions } from "@tearline/policy";
import { describe, expect, it } from "vitest";

describe("parseCoalitions", () => {
  it("reads coalition names to sets of nation codes", () => {
    const parsed = parseCoalitions({ FVEY: ["GBR", "USA"], EU: ["FRA", "DEU", "FRA"] });
    expect([...parsed.keys()]).toEqual(["FVEY", "EU"]);
    expect([...parsed.get("EU")!]).toEqual(["FRA", "DEU"]);
  });

  it.each([
    ["a list", [["GBR"]], /must be an object/],
    ["null", null, /must be an object/],
    ["a lower-case name", { fvey: ["GBR"] }, /fvey: coalition names are upper case/],
    ["a one-letter name", { F: ["GBR"] }, /F: coalition names are upper case/],
    ["a name that looks like a nation", { ABC: ["GBR"] }, /ABC: a coalition name must not look like a nation code/],
    ["an empty member list", { NATO: [] }, /NATO: must list at least one nation/],
    ["members that are not a list", { NATO: "GBR" }, /NATO: must list at least one nation/],
    ["a member that is not a code", { NATO: ["GBR", "gb", 7] }, /NATO: gb, 7 must be ISO 3166 alpha-3 codes/],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseCoalitions(input)).toThrow(PolicyDocumentError);
    expect(() => parseCoalitions(input)).toThrow(message);
  });

  it("names every problem at once", () => {
    expect(() => parseCoalitions({ bad: ["GBR"], NATO: [] })).toThrow(/bad:[\s\S]*NATO:/);
  });
});

describe("expandReleasability", () => {
  const coalitions = parseCoalitions({ FVEY: ["GBR", "USA"] });
  it("expands coalition names and keeps nation codes", () => {
    expect([...expandReleasability(["FVEY", "EST"], coalitions)].sort()).toEqual(["EST", "GBR", "USA"]);
  });
  it("refuses what is neither", () => {
    expect(() => expandReleasability(["ATLANTIS"], coalitions)).toThrow('unknown nation or coalition "ATLANTIS" in releasableTo');
    expect(() => expandReleasability(["gbr"], coalitions)).toThrow(PolicyDocumentError);
  });
  it("knows a nation code when it sees one", () => {
    expect(["GBR", "GB", "GBRX", "gbr", "G1R"].map(isNationCode)).toEqual([true, false, false, false, false]);
  });
});
