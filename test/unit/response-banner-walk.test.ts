import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../bench/stats.js";
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

  it("skips the later records of a list once one has brought every mark the list allows, though the top is never reached", () => {
    let laterReads = 0;
    const late = {};
    Object.defineProperty(late, "name", {
      enumerable: true,
      get: () => {
        laterReads++;
        return "not needed";
      },
    });
    const names = plan({ actors: entry(mark("UNCLASSIFIED"), { name: entry(RESTRICTED_GBR) }), reports: entry(SECRET_KITE) });
    // No report came back: the plan's top is out of reach, but after the first actor the second can add nothing.
    const data = { actors: [{ name: "a" }, late], reports: null };
    same(markOfResponse(data, names), combineMarks(mark("UNCLASSIFIED"), RESTRICTED_GBR));
    expect(laterReads).toBe(0);
  });

  it("gives the mark a full walk of every returned field gives, for any plan and answer", () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const pool = [
      UNMARKED,
      mark("UNCLASSIFIED"),
      RESTRICTED_GBR,
      SECRET_KITE,
      mark("CONFIDENTIAL", ["GBR", "FRA"]),
      mark("CONFIDENTIAL", null, ["KITE", "LYNX"]),
      mark("SECRET", ["FRA"]),
      mark("TOP_SECRET", null, ["LYNX"]),
    ];
    const makePlan = (depth: number): Map<string, BannerEntry> =>
      plan(
        Object.fromEntries(
          Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => [
            `f${i}`,
            entry(pick(pool), depth > 0 && random() < 0.5 ? Object.fromEntries(makePlan(depth - 1)) : {}),
          ]),
        ),
      );
    const makeValue = (entries: ReadonlyMap<string, BannerEntry>, depth = 0): unknown => {
      const object = (): unknown => {
        if (random() < 0.15) return null;
        const record: Record<string, unknown> = {};
        for (const [key, child] of entries) {
          const roll = random();
          if (roll < 0.2) continue;
          // Now and then a scalar where the plan has fields below: it carries the field's own mark and nothing more.
          record[key] = roll < 0.4 ? null : child.children.size > 0 && roll < 0.95 ? makeValue(child.children, depth + 1) : "v";
        }
        // A key the plan does not know adds nothing.
        if (random() < 0.2) record.unplanned = { f0: "v" };
        return record;
      };
      const roll = random();
      // Lists of lists (with null items) as well as lists of records.
      if (roll < 0.1 && depth < 6) return [makeValue(entries, depth + 1), null, makeValue(entries, depth + 1)];
      return roll < 0.55 ? Array.from({ length: Math.floor(random() * 4) }, object) : object();
    };
    // The reference: every non-null field of the answer, read to the end.
    const fullWalk = (value: unknown, entries: ReadonlyMap<string, BannerEntry>): Mark => {
      if (Array.isArray(value)) return value.reduce<Mark>((m, item) => combineMarks(m, fullWalk(item, entries)), UNMARKED);
      if (typeof value !== "object" || value === null) return UNMARKED;
      let m = UNMARKED;
      for (const [key, child] of entries) {
        const field = (value as Record<string, unknown>)[key];
        if (field === null || field === undefined) continue;
        m = combineMarks(m, combineMarks(child.mark, fullWalk(field, child.children)));
      }
      return m;
    };
    // Every mark the plan allows, combined: an answer below it makes the walk skip by levels instead of ending early.
    const top = (entries: ReadonlyMap<string, BannerEntry>): Mark =>
      [...entries.values()].reduce<Mark>((m, child) => combineMarks(m, combineMarks(child.mark, top(child.children))), UNMARKED);
    let belowTop = 0;
    for (let i = 0; i < 300; i++) {
      // Several top-level fields, as an operation has.
      const p = makePlan(3);
      // Several answers to one plan: what a walk remembers of its plan must not change the next walk's banner.
      for (let j = 0; j < 4; j++) {
        const answer: Record<string, unknown> = {};
        for (const [key, child] of p) answer[key] = child.children.size > 0 ? makeValue(child.children) : "v";
        const expected = fullWalk(answer, p);
        expect(markOfResponse(answer, p)).toBe(expected);
        if (expected !== top(p)) belowTop++;
      }
    }
    // The comparison is worth something only if many answers stay below their plan's top.
    expect(belowTop).toBeGreaterThan(300);
  });

  it("reads only the answer's own fields: a missing field named like a property of every object does not raise it", () => {
    const named = plan({
      constructor: entry(SECRET_KITE),
      actors: entry(mark("UNCLASSIFIED"), { toString: entry(RESTRICTED_GBR), hasOwnProperty: entry(SECRET_KITE) }),
    });
    expect(markOfResponse({}, named)).toBe(UNMARKED);
    same(markOfResponse({ actors: [{}, {}] }, named), mark("UNCLASSIFIED"));
    // Returned, they count as any field does.
    same(markOfResponse(JSON.parse('{"actors":[{"toString":"x"}]}'), named), combineMarks(mark("UNCLASSIFIED"), RESTRICTED_GBR));
    same(markOfResponse(JSON.parse('{"constructor":"x"}'), named), SECRET_KITE);
  });

  it("marks an empty answer UNMARKED", () => {
    expect(markOfResponse(null, banners())).toBe(UNMARKED);
    expect(markOfResponse({}, banners())).toBe(UNMARKED);
  });
});
