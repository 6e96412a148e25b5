import { expandReleasability, isNationCode, PolicyDocumentError, parseCoalitions } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { expectRefusal } from "./fixtures.js";

const entries = (coalitions: ReadonlyMap<string, ReadonlySet<string>>) => [...coalitions].map(([name, members]) => [name, [...members]]);

describe("parseCoalitions", () => {
  it("reads coalition names to sets of nation codes, in document order, each member once", () => {
    const parsed = parseCoalitions({ FVEY: ["GBR", "USA"], EU: ["FRA", "DEU", "FRA"] });
    expect(entries(parsed)).toEqual([
      ["FVEY", ["GBR", "USA"]],
      ["EU", ["FRA", "DEU"]],
    ]);
  });

  it.each([
    ["digits and underscores after the first letter", { G7_PLUS: ["GBR"], NATO2: ["FRA"] }],
    ["a two-letter name", { EU: ["FRA"] }],
    ["a four-letter name", { FVEY: ["GBR"] }],
    ["no coalition at all", {}],
  ])("accepts %s", (_name, input) => {
    expect(entries(parseCoalitions(input))).toEqual(Object.entries(input));
  });

  const shape = "coalitions: must be an object of coalition name to a list of nation codes";
  it.each([
    ["a list", [["GBR"]], shape],
    ["null", null, shape],
    ["a string", "NATO", shape],
    ["a number", 7, shape],
    ["a lower-case name", { fvey: ["GBR"] }, "fvey: coalition names are upper case"],
    ["a name starting lower-case", { nATO: ["GBR"] }, "nATO: coalition names are upper case"],
    ["a name ending lower-case", { NATo: ["GBR"] }, "NATo: coalition names are upper case"],
    ["a name starting with a digit", { "7EYES": ["GBR"] }, "7EYES: coalition names are upper case"],
    ["a one-letter name", { F: ["GBR"] }, "F: coalition names are upper case"],
    ["a name that looks like a nation", { ABC: ["GBR"] }, "ABC: a coalition name must not look like a nation code"],
    ["an empty member list", { NATO: [] }, "NATO: must list at least one nation"],
    ["members that are not a list", { NATO: "GBR" }, "NATO: must list at least one nation"],
    ["a member that is not a code", { NATO: ["GBR", "gb", 7, "GBRX"] }, "NATO: gb, 7, GBRX must be ISO 3166 alpha-3 codes"],
  ])("refuses %s", (_name, input, problem) => {
    const message = problem === shape ? shape : `Invalid coalitions:\n  - ${problem}`;
    expectRefusal(() => parseCoalitions(input), PolicyDocumentError, message);
  });

  it("names every problem at once, a bad name and bad members of the same coalition both", () => {
    expectRefusal(
      () => parseCoalitions({ bad: ["GBR"], NATO: [], EU: ["FRA"], lower: ["x"] }),
      PolicyDocumentError,
      [
        "Invalid coalitions:",
        "  - bad: coalition names are upper case",
        "  - NATO: must list at least one nation",
        "  - lower: coalition names are upper case",
        "  - lower: x must be ISO 3166 alpha-3 codes",
      ].join("\n"),
    );
  });

  it("refuses members that are not strings, even one that prints as a nation code", () => {
    expectRefusal(
      () => parseCoalitions({ EU: ["FRA", ["DEU"], 7] }),
      PolicyDocumentError,
      "Invalid coalitions:\n  - EU: DEU, 7 must be ISO 3166 alpha-3 codes",
    );
  });
});

describe("expandReleasability", () => {
  const coalitions = () => parseCoalitions({ FVEY: ["GBR", "USA"], NATO_NORTH: ["NOR", "DNK", "GBR"] });

  it.each([
    ["nation codes, kept", ["EST", "FRA"], ["EST", "FRA"]],
    ["a coalition, expanded to its members", ["FVEY"], ["GBR", "USA"]],
    ["coalitions and codes, each nation once", ["FVEY", "EST", "NATO_NORTH", "USA"], ["GBR", "USA", "EST", "NOR", "DNK"]],
    ["nothing", [], []],
  ])("%s", (_name, listed, expected) => {
    expect([...expandReleasability(listed, coalitions())]).toEqual(expected);
  });

  it.each(["ATLANTIS", "gbr", "GB", "GBRX", "fvey"])("refuses %s, which is neither a nation code nor a coalition", (entry) => {
    expectRefusal(
      () => expandReleasability(["GBR", entry], coalitions()),
      PolicyDocumentError,
      `unknown nation or coalition "${entry}" in releasableTo`,
    );
  });

  it("knows a nation code when it sees one", () => {
    expect(["GBR", "GB", "GBRX", "XGBR", "gbr", "G1R", ""].map(isNationCode)).toEqual([true, false, false, false, false, false, false]);
  });
});
