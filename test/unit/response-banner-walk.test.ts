import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { markOfResponse } from "../../gateway/response/banner.js";
import type { BannerEntry } from "../../gateway/rules/context.js";

const mark = (level: Mark["level"], releasableTo: string[] | null = null, compartments: string[] = []): Mark => ({
  level,
  releasableTo: releasableTo ? new Set(releasableTo) : null,
  compartments: new Set(compartments),
});
const entry = (m: Mark, children: Record<string, BannerEntry> = {}): BannerEntry => ({
  mark: m,
  children: new Map(Object.entries(children)),
});
const plan = (entries: Record<string, BannerEntry>) => new Map(Object.entries(entries));
const same = (a: Mark, b: Mark) =>
  expect({ ...a, releasableTo: a.releasableTo && [...a.releasableTo].sort(), compartments: [...a.compartments].sort() }).toEqual({
    ...b,
    releasableTo: b.releasableTo && [...b.releasableTo].sort(),
    compartments: [...b.compartments].sort(),
  });

const SECRET_KITE = mark("SECRET", ["GBR", "USA"], ["KITE"]);
const RESTRICTED_GBR = mark("RESTRICTED", ["GBR"]);
const banners = () =>
  plan({
    actors: entry(mark("UNCLASSIFIED"), { name: entry(RESTRICTED_GBR), secretName: entry(SECRET_KITE) }),
    reports: entry(mark("CONFIDENTIAL", ["GBR", "FRA"])),
  });

describe("the banner of a response: what was returned, and nothing else", () => {
  it("reaches the plan's highest mark when every field came back, and says so however early it stops", () => {
    const data = {
      actors: [
        { name: "a", secretName: "b" },
        { name: "c", secretName: "d" },
      ],
      reports: [{ id: 1 }],
    };
    const all = [mark("UNCLASSIFIED"), RESTRICTED_GBR, SECRET_KITE, mark("CONFIDENTIAL", ["GBR", "FRA"])].reduce(combineMarks, UNMARKED);
    same(markOfResponse(data, banners()), all);
  });

  it("is not raised by a null or missing field, even in a later record", () => {
    const data = { actors: [{ name: "a", secretName: null }, null, { name: "c" }], reports: null };
    same(markOfResponse(data, banners()), combineMarks(mark("UNCLASSIFIED"), RESTRICTED_GBR));
  });

  it("walks every record until the highest mark is reached: a SECRET field in the last record still counts", () => {
    const data = { actors: [{ name: "a" }, { name: "b" }, { name: "c", secretName: "x" }], reports: [{ id: 1 }] };
    const expected = [RESTRICTED_GBR, SECRET_KITE, mark("CONFIDENTIAL", ["GBR", "FRA"])].reduce(combineMarks, UNMARKED);
    same(markOfResponse(data, banners()), expected);
  });

  it("gives the same mark for one plan asked again, from its remembered ceiling", () => {
    const plan = banners();
    const partial = { actors: [{ name: "a" }] };
    const first = markOfResponse(partial, plan);
    expect(markOfResponse({ actors: [{ name: "a", secretName: "s" }], reports: [{}] }, plan).level).toBe("SECRET");
    expect(markOfResponse(partial, plan)).toBe(first);
  });

  it("stops reading the answer once its banner can go no higher", () => {
    let readsAfterTheTop = 0;
    const late = { name: "late" };
    Object.defineProperty(late, "secretName", {
      enumerable: true,
      get: () => {
        readsAfterTheTop++;
        return "never needed";
      },
    });
    const data = { actors: [{ name: "a", secretName: "b" }, late], reports: [{ id: 1 }] };
    const plan = banners();
    expect(markOfResponse(data, plan).level).toBe("SECRET");
    // The first record alone already reaches the highest mark the plan allows: the second record is not read.
    expect(readsAfterTheTop).toBe(0);
    // Where the top is not reached, every record is read.
    expect(markOfResponse({ actors: [{ name: "a" }, late] }, plan).level).toBe("SECRET");
    expect(readsAfterTheTop).toBe(1);
  });

  it("marks an empty answer UNMARKED", () => {
    expect(markOfResponse(null, banners())).toBe(UNMARKED);
    expect(markOfResponse({}, banners())).toBe(UNMARKED);
  });
});
