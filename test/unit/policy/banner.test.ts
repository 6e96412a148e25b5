import {
  combineMarks,
  type Mark,
  markOfRequirements,
  parseCoalitions,
  renderBanner,
  requirementFromLabel,
  UNMARKED,
} from "@tearline/policy";
import { describe, expect, it } from "vitest";

const coalitions = parseCoalitions({ FVEY: ["AUS", "CAN", "GBR", "NZL", "USA"], NATO: ["CAN", "DEU", "EST", "FRA", "GBR", "USA"] });
const mark = (level: Mark["level"], releasableTo: string[] | null = null, compartments: string[] = []): Mark => ({
  level,
  releasableTo: releasableTo ? new Set(releasableTo) : null,
  compartments: new Set(compartments),
});
const banner = (m: Mark) => renderBanner(m, coalitions).banner;

describe("the banner algebra: a high-water mark", () => {
  it("takes the higher level, whichever side it is on", () => {
    expect(combineMarks(mark("SECRET"), mark("RESTRICTED")).level).toBe("SECRET");
    expect(combineMarks(mark("RESTRICTED"), mark("SECRET")).level).toBe("SECRET");
  });

  it("intersects releasability; unrestricted (null) gives way to any restriction", () => {
    expect([...combineMarks(mark("RESTRICTED", ["GBR", "FRA"]), mark("RESTRICTED", ["FRA", "DEU"])).releasableTo!]).toEqual(["FRA"]);
    expect([...combineMarks(mark("RESTRICTED"), mark("RESTRICTED", ["DEU"])).releasableTo!]).toEqual(["DEU"]);
    expect([...combineMarks(mark("RESTRICTED", ["DEU"]), mark("RESTRICTED")).releasableTo!]).toEqual(["DEU"]);
    expect(combineMarks(mark("RESTRICTED"), mark("SECRET")).releasableTo).toBeNull();
  });

  it("unites compartments", () => {
    expect([...combineMarks(mark("SECRET", null, ["A"]), mark("SECRET", null, ["B"])).compartments].sort()).toEqual(["A", "B"]);
    expect([...combineMarks(mark("SECRET"), mark("SECRET", null, ["B"])).compartments]).toEqual(["B"]);
    expect([...combineMarks(mark("SECRET", null, ["A"]), mark("SECRET")).compartments]).toEqual(["A"]);
  });

  it("remembers a combination, and combining a mark with itself is the mark", () => {
    const a = mark("SECRET", ["GBR"]);
    const b = mark("RESTRICTED", null, ["X"]);
    expect(combineMarks(a, b)).toBe(combineMarks(a, b));
    expect(combineMarks(a, a)).toBe(a);
  });

  it("marks a field with all of its requirements", () => {
    const gbr = requirementFromLabel({ owner: "GBR", level: "SECRET", releasableTo: ["FVEY"], compartments: ["ORCHID"] }, coalitions);
    const fra = requirementFromLabel({ owner: "FRA", level: "CONFIDENTIAL", releasableTo: ["NATO"] }, coalitions);
    expect(banner(markOfRequirements([gbr, fra]))).toBe("SECRET//ORCHID//REL TO CAN, GBR, USA");
    expect(markOfRequirements([])).toBe(UNMARKED);
  });
});

describe("renderBanner", () => {
  it.each([
    ["unrestricted", mark("UNCLASSIFIED"), "UNCLASSIFIED", null],
    ["releasable to nobody", mark("SECRET", []), "SECRET//REL TO NONE", []],
    [
      "a whole coalition, by its name",
      mark("SECRET", ["USA", "NZL", "GBR", "CAN", "AUS"]),
      "SECRET//REL TO FVEY",
      ["AUS", "CAN", "GBR", "NZL", "USA"],
    ],
    ["part of a coalition, by codes in order", mark("SECRET", ["USA", "GBR"]), "SECRET//REL TO GBR, USA", ["GBR", "USA"]],
    [
      "a coalition and one more, by codes",
      mark("SECRET", ["AUS", "CAN", "GBR", "NZL", "USA", "FRA"]),
      "SECRET//REL TO AUS, CAN, FRA, GBR, NZL, USA",
      ["AUS", "CAN", "FRA", "GBR", "NZL", "USA"],
    ],
    [
      "compartments in order, before releasability",
      mark("TOP_SECRET", ["GBR"], ["ZULU", "ALPHA"]),
      "TOP_SECRET//ALPHA/ZULU//REL TO GBR",
      ["GBR"],
    ],
  ])("%s", (_name, m, expected, releasableTo) => {
    const rendered = renderBanner(m, coalitions);
    expect(rendered.banner).toBe(expected);
    expect(rendered.level).toBe(m.level);
    expect(rendered.releasableTo).toEqual(releasableTo);
  });

  it("gives releasableTo null when nothing restricted it", () => {
    expect(renderBanner(mark("RESTRICTED"), coalitions)).toEqual({
      banner: "RESTRICTED",
      level: "RESTRICTED",
      releasableTo: null,
      compartments: [],
    });
  });
});
