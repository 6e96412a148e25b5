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

// Parsed in each test, not at import: a mutation run then tries each mutant against the tests that read it.
const coalitions = () => parseCoalitions({ FVEY: ["AUS", "CAN", "GBR", "NZL", "USA"], NATO: ["CAN", "DEU", "EST", "FRA", "GBR", "USA"] });
const mark = (level: Mark["level"], releasableTo: string[] | null = null, compartments: string[] = []): Mark => ({
  level,
  releasableTo: releasableTo ? new Set(releasableTo) : null,
  compartments: new Set(compartments),
});
const banner = (m: Mark) => renderBanner(m, coalitions()).banner;

describe("the banner algebra: a high-water mark", () => {
  it("takes the higher level, whichever side it is on", () => {
    expect(combineMarks(mark("SECRET"), mark("RESTRICTED")).level).toBe("SECRET");
    expect(combineMarks(mark("RESTRICTED"), mark("SECRET")).level).toBe("SECRET");
  });

  it("so the banner of two fields is never lower than either one's", () => {
    const secret = mark("SECRET", ["GBR", "USA"]);
    const restricted = mark("RESTRICTED", ["GBR", "USA", "FRA"], ["ORCHID"]);
    expect(banner(combineMarks(secret, restricted))).toBe("SECRET//ORCHID//REL TO GBR, USA");
    expect(banner(combineMarks(restricted, secret))).toBe("SECRET//ORCHID//REL TO GBR, USA");
    expect(banner(combineMarks(UNMARKED, mark("TOP_SECRET")))).toBe("TOP_SECRET");
  });

  it.each<[string, Mark, Mark, Mark]>([
    ["both unrestricted", mark("RESTRICTED"), mark("SECRET"), mark("SECRET")],
    ["restricted on the left only", mark("SECRET", ["GBR", "FRA"], ["A"]), mark("RESTRICTED"), mark("SECRET", ["GBR", "FRA"], ["A"])],
    ["restricted on the right only", mark("RESTRICTED"), mark("CONFIDENTIAL", ["DEU"], ["B"]), mark("CONFIDENTIAL", ["DEU"], ["B"])],
    [
      "restricted on both sides",
      mark("TOP_SECRET", ["GBR", "FRA", "USA"], ["A", "C"]),
      mark("SECRET", ["FRA", "DEU", "USA"], ["B", "C"]),
      mark("TOP_SECRET", ["FRA", "USA"], ["A", "B", "C"]),
    ],
    ["releasable to nobody in common", mark("SECRET", ["GBR"]), mark("SECRET", ["FRA"]), mark("SECRET", [])],
  ])("combines %s, in full", (_name, a, b, expected) => {
    expect(combineMarks(a, b)).toEqual(expected);
  });

  it("gives one object per marking, whatever the order of combination (the banner walk stops on identity)", () => {
    const [a, b, c] = [
      mark("SECRET", ["GBR", "USA"]),
      mark("RESTRICTED", ["GBR", "USA", "FRA"], ["ORCHID"]),
      mark("CONFIDENTIAL", null, ["KITE"]),
    ];
    const abc = combineMarks(combineMarks(a, b), c);
    expect(combineMarks(combineMarks(c, b), a)).toBe(abc);
    expect(combineMarks(combineMarks(b, a), c)).toBe(abc);
    // Absorbing a lower mark gives back the very same object.
    expect(combineMarks(abc, b)).toBe(abc);
    expect(combineMarks(UNMARKED, mark("UNCLASSIFIED"))).toBe(UNMARKED);
    expect(combineMarks(abc, mark("TOP_SECRET"))).not.toBe(abc);
  });

  it("gives one object per marking whatever order its nations and compartments were listed in, and never one for two", () => {
    const top = mark("TOP_SECRET");
    const a = combineMarks(mark("SECRET", ["USA", "GBR"], ["B", "A"]), top);
    expect(combineMarks(mark("SECRET", ["GBR", "USA"], ["A", "B"]), top)).toBe(a);
    // Names that run together alike are still different markings, whatever characters they hold.
    const joined = combineMarks(mark("SECRET", null, ["AB", "C"]), top);
    const split = combineMarks(mark("SECRET", null, ["A", "BC"]), top);
    const comma = combineMarks(mark("SECRET", null, ["A,B"]), top);
    const two = combineMarks(mark("SECRET", null, ["A", "B"]), top);
    expect(new Set([joined, split, comma, two]).size).toBe(4);
    expect([...comma.compartments]).toEqual(["A,B"]);
    expect([...two.compartments].sort()).toEqual(["A", "B"]);
    expect(combineMarks(mark("SECRET", ["GBRUSA"]), top)).not.toBe(combineMarks(mark("SECRET", ["GBR", "USA"]), top));
  });

  it("starts from UNMARKED: the lowest level, no restriction", () => {
    expect(UNMARKED).toEqual(mark("UNCLASSIFIED"));
    expect(combineMarks(UNMARKED, mark("CONFIDENTIAL", ["GBR"], ["A"]))).toEqual(mark("CONFIDENTIAL", ["GBR"], ["A"]));
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
    const c = mark("TOP_SECRET");
    const ab = combineMarks(a, b);
    const ac = combineMarks(a, c);
    expect(combineMarks(a, b)).toBe(ab);
    expect(combineMarks(a, c)).toBe(ac);
    expect(ab).toEqual(mark("SECRET", ["GBR"], ["X"]));
    expect(ac).toEqual(mark("TOP_SECRET", ["GBR"]));
    expect(combineMarks(a, a)).toBe(a);
    expect(combineMarks(b, b)).toBe(b);
  });

  it("marks a field with all of its requirements, the highest level whichever comes first", () => {
    const gbr = requirementFromLabel({ owner: "GBR", level: "SECRET", releasableTo: ["FVEY"], compartments: ["ORCHID"] }, coalitions());
    const fra = requirementFromLabel({ owner: "FRA", level: "CONFIDENTIAL", releasableTo: ["NATO"] }, coalitions());
    expect(banner(markOfRequirements([gbr, fra]))).toBe("SECRET//ORCHID//REL TO CAN, GBR, USA");
    expect(banner(markOfRequirements([fra, gbr]))).toBe("SECRET//ORCHID//REL TO CAN, GBR, USA");
    expect(markOfRequirements([fra])).toEqual(mark("CONFIDENTIAL", [...coalitions().get("NATO")!]));
    expect(markOfRequirements([])).toBe(UNMARKED);
  });
});

describe("renderBanner", () => {
  it.each<[string, Mark, string, string[] | null, string[]]>([
    ["unrestricted", mark("UNCLASSIFIED"), "UNCLASSIFIED", null, []],
    ["releasable to nobody", mark("SECRET", []), "SECRET//REL TO NONE", [], []],
    [
      "a whole coalition, by its name",
      mark("SECRET", ["USA", "NZL", "GBR", "CAN", "AUS"]),
      "SECRET//REL TO FVEY",
      ["AUS", "CAN", "GBR", "NZL", "USA"],
      [],
    ],
    ["part of a coalition, by codes in order", mark("SECRET", ["USA", "GBR"]), "SECRET//REL TO GBR, USA", ["GBR", "USA"], []],
    [
      // As many nations as NATO has, most of them not in it.
      "a coalition and one more, by codes",
      mark("SECRET", ["AUS", "CAN", "GBR", "NZL", "USA", "FRA"]),
      "SECRET//REL TO AUS, CAN, FRA, GBR, NZL, USA",
      ["AUS", "CAN", "FRA", "GBR", "NZL", "USA"],
      [],
    ],
    [
      "compartments in order, before releasability",
      mark("TOP_SECRET", ["GBR"], ["ZULU", "ALPHA"]),
      "TOP_SECRET//ALPHA/ZULU//REL TO GBR",
      ["GBR"],
      ["ALPHA", "ZULU"],
    ],
    ["one compartment, unrestricted", mark("CONFIDENTIAL", null, ["HARBOR"]), "CONFIDENTIAL//HARBOR", null, ["HARBOR"]],
  ])("%s", (_name, m, expected, releasableTo, compartments) => {
    expect(renderBanner(m, coalitions())).toEqual({ banner: expected, level: m.level, releasableTo, compartments });
  });

  it("renders each mark once for each set of coalitions", () => {
    const fvey = mark("SECRET", ["USA", "NZL", "GBR", "CAN", "AUS"]);
    const known = coalitions();
    const first = renderBanner(fvey, known);
    expect(renderBanner(fvey, known)).toBe(first);
    const other = parseCoalitions({ EU: ["FRA", "DEU"] });
    expect(renderBanner(fvey, other).banner).toBe("SECRET//REL TO AUS, CAN, GBR, NZL, USA");
    expect(renderBanner(fvey, other)).toBe(renderBanner(fvey, other));
    expect(renderBanner(mark("SECRET", ["DEU", "FRA"]), other).banner).toBe("SECRET//REL TO EU");
    expect(renderBanner(fvey, known)).toBe(first);
  });

  it("gives releasableTo null when nothing restricted it", () => {
    expect(renderBanner(mark("RESTRICTED"), coalitions())).toEqual({
      banner: "RESTRICTED",
      level: "RESTRICTED",
      releasableTo: null,
      compartments: [],
    });
  });
});
