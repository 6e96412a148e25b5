import { describe, expect, it } from "vitest";
import { type CheckedCount, type CountTree, SUPPRESSION_METHOD, suppressSmallCounts } from "../../lib/audit/small-cells.js";

// Small-cell suppression: every count below k hidden, and none narrowed by the shown counts, for anyone or a nation knowing its own.

/** A total over rows, written [total, [rows…]]; a leaf is a number. */
type Shape = number | [number, Shape[]];
const tree = (shape: Shape): CountTree =>
  typeof shape === "number" ? { value: shape, children: [] } : { value: shape[0], children: shape[1].map(tree) };
/** The same tree, a hidden count written as "<". */
type Shown = number | "<" | [number | "<", Shown[]];
const shown = (count: CheckedCount): Shown => {
  const value = count.suppressed ? "<" : count.value;
  return count.children.length === 0 ? value : [value, count.children.map(shown)];
};

describe("suppressSmallCounts", () => {
  const cases: Array<[string, Shape, number, Shown]> = [
    ["a single count at k is shown", 10, 10, 10],
    ["a single count below k is hidden", 9, 10, "<"],
    ["zero is below k", 0, 10, "<"],
    ["nothing small: nothing hidden", [60, [20, 40]], 10, [60, [20, 40]]],
    ["one small row: the smallest other row is hidden with it", [63, [3, 20, 40]], 10, [63, ["<", "<", 40]]],
    ["two small rows that add up to less than k: one more is hidden", [54, [2, 3, 20, 29]], 10, [54, ["<", "<", "<", 29]]],
    ["two small rows that add up to 9: each could be 0 to 9, enough", [69, [4, 5, 60]], 10, [69, ["<", "<", 60]]],
    ["two small rows that add up to 11: each at least 2, so one more is hidden", [71, [2, 9, 60]], 10, [71, ["<", "<", "<"]]],
    ["two small rows whose sum (10) makes each at least 1: one more is hidden", [63, [5, 5, 53]], 10, [63, ["<", "<", "<"]]],
    ["a complement just at k leaves the small row at most 3 (13 - 10): another is hidden", [32, [3, 10, 19]], 10, [32, ["<", "<", "<"]]],
    ["equal candidates: the first is hidden", [43, [3, 20, 20]], 10, [43, ["<", "<", 20]]],
    ["the smallest shown row is hidden, not the first", [63, [3, 40, 20]], 10, [63, ["<", 40, "<"]]],
    ["three small rows that add up to 9: each could be 0 to 9, enough", [66, [2, 3, 4, 57]], 10, [66, ["<", "<", "<", 57]]],
    ["every row small, their total 12: each would be at least 3, so the total is hidden", [12, [4, 8]], 10, ["<", ["<", "<"]]],
    ["a small row beside one at k: both hidden, the small one still 0 to 4 (9 - 5)", [9, [4, 5]], 5, [9, ["<", "<"]]],
    ["every row small and the total too", [7, [4, 3]], 10, ["<", ["<", "<"]]],
    ["one row, small: the total is the same count", [4, [4]], 10, ["<", ["<"]]],
    ["k = 1 hides only zeros, which every reader knows to be 0: nothing else", [3, [0, 3]], 1, [3, ["<", 3]]],
    [
      'a subtotal hidden as a complement hides its shown row too: 10 + a "<10" is 10 to 19, and 100 - 80 - 19 would leave the 4 at least 1',
      [
        100,
        [
          [4, [4]],
          [16, [6, 10]],
          [80, [30, 50]],
        ],
      ],
      10,
      [
        100,
        [
          ["<", ["<"]],
          ["<", ["<", "<"]],
          [80, [30, 50]],
        ],
      ],
    ],
    [
      "a subtotal hidden as a complement hides a row of its own",
      [
        95,
        [
          [5, [5]],
          [40, [15, 25]],
          [50, [20, 30]],
        ],
      ],
      10,
      [
        95,
        [
          ["<", ["<"]],
          ["<", ["<", 25]],
          [50, [20, 30]],
        ],
      ],
    ],
    ["two separate tables are protected apart", [3, [3]], 10, ["<", ["<"]]],
  ];
  it.each(cases)("%s", (_name, shape, k, expected) => {
    expect(suppressSmallCounts([tree(shape)], k).map(shown)).toEqual([expected]);
  });

  it("refuses a k that is not a positive integer", () => {
    expect(() => suppressSmallCounts([], 0)).toThrow(new RangeError("k must be a positive integer, not 0"));
    expect(() => suppressSmallCounts([], 2.5)).toThrow(RangeError);
  });

  it("is described, in every published report, with k and k - 1, the marks, and the nation that knows its own counts", () => {
    const text = SUPPRESSION_METHOD(10);
    for (const part of [
      'Every count below 10 is shown as "<10" (primary suppression): a "<10" is 0 to 9, or 1 to 9 for operations and fields ',
      'Then counts of 10 or more are hidden as "x" (complementary suppression: an "x" is 10 or more) until, for every "<10", ',
      "The same holds against each nation that knows its own counts ",
      'narrow no "<10" of the other pairs beyond what the marks alone leave. ',
      "(nor, to a nation, what they say with its own counts): rows of a total below 10 add up to less than 10, and rows below 10 ",
      "An x is not protected",
    ])
      expect(text).toContain(part);
  });

  // The reviewer's first break (k = 10): FRA → GBR's total hidden with one hidden row was taken as protected, but it is CT 15 plus
  // a "<10", so 16 to 24; all pairs (133) less GBR → FRA (100) left DEU → EST at least 9: exactly 9, and so FRA → GBR's CYBER too.
  const breakA: CountTree = { value: 133, children: [pair("DEU", "EST", [9]), pair("FRA", "GBR", [15, 9]), pair("GBR", "FRA", [100])] };
  // The second (k = 10): GBR knows FRA → GBR (5; it is the owner) and GBR → FRA (100): all pairs, 109, less those gave DEU → EST's 4.
  const breakB: CountTree = { value: 109, children: [pair("DEU", "EST", [4]), pair("FRA", "GBR", [5]), pair("GBR", "FRA", [100])] };

  it("protects a hidden total across levels: a total hidden with one hidden row is that row plus shown ones (break A)", () => {
    // Today's rule left all pairs and FRA → GBR's CT shown: the checker finds DEU → EST pinned to 9.
    const before = mark(breakA, [
      false,
      [
        [true, [true]],
        [true, [false, true]],
        [false, [false]],
      ],
    ]);
    expect(unprotected([breakA], [before], 10)).toBe("to anyone, hidden 9 could be 9..9, not 1..9");
    const checked = suppressSmallCounts([breakA], 10);
    // Without FRA → GBR's CT, the pair is a "<10" and an "x": 11 or more, which leaves DEU → EST anything from 1 to 9. All pairs goes
    // too, because FRA (and GBR) know FRA → GBR and GBR → FRA: 133 less those would be DEU → EST.
    expect(checked.map(shown)).toEqual([
      [
        "<",
        [
          ["<", ["<"]],
          ["<", ["<", "<"]],
          [100, [100]],
        ],
      ],
    ]);
    expect(unprotected([breakA], checked, 10)).toBeUndefined();
  });

  it("protects against a nation that knows its own counts: FRA or GBR, from its access report, cannot subtract them (break B)", () => {
    // Today's table: 109 and GBR → FRA's 100 shown. Anyone has DEU → EST at 1 to 8 (FRA → GBR is at least 1).
    const before = mark(breakB, [
      false,
      [
        [true, [true]],
        [true, [true]],
        [false, [false]],
      ],
    ]);
    expect(unprotected([breakB], [before], 10)).toBe("to anyone, hidden 4 could be 1..8, not 1..9");
    // GBR → FRA hidden is enough for anyone, not for FRA (the first nation, by name, that knows FRA → GBR and GBR → FRA): 109 - 5 - 100.
    const forAnyone = mark(breakB, [
      false,
      [
        [true, [true]],
        [true, [true]],
        [true, [true]],
      ],
    ]);
    expect(unprotected([breakB], [forAnyone], 10)).toBe("to FRA, hidden 4 could be 4..4, not 1..9");
    const checked = suppressSmallCounts([breakB], 10);
    expect(checked.map(shown)).toEqual([
      [
        "<",
        [
          ["<", ["<"]],
          ["<", ["<"]],
          ["<", ["<"]],
        ],
      ],
    ]);
    expect(unprotected([breakB], checked, 10)).toBeUndefined();
  });

  it("takes a row that exists only when something was counted as 1 to k - 1: two such rows adding up to 9 leave each at most 8", () => {
    const rows = (least: number): CountTree => ({ value: 69, children: [4, 5, 60].map((value) => ({ value, least, children: [] })) });
    expect(suppressSmallCounts([rows(0)], 10).map(shown)).toEqual([[69, ["<", "<", 60]]]);
    expect(suppressSmallCounts([rows(1)], 10).map(shown)).toEqual([[69, ["<", "<", "<"]]]);
    expect(unprotected([rows(1)], [mark(rows(1), [false, [true, true, false]])], 10)).toBe("to anyone, hidden 4 could be 1..8, not 1..9");
  });

  it('leaves no "<k" narrowed by the shown counts, on random tables of totals (exact ranges, a checker of its own)', () => {
    const random = seeded(20261203);
    let full = 0;
    let narrowedByMarks = 0;
    for (let round = 0; round < 400; round++) {
      const k = 2 + Math.floor(random() * 10);
      const forest = Array.from({ length: 1 + Math.floor(random() * 2) }, () => randomTree(random, 0));
      const checked = suppressSmallCounts(forest, k);
      const problem = unprotected(forest, checked, k);
      expect(problem, JSON.stringify({ k, forest: forest.map(shapeOf), shown: checked.map(shown) })).toBeUndefined();
      const counts = fullRanges(forest, checked, k);
      full += counts.full;
      narrowedByMarks += counts.narrowed;
    }
    // Nearly every "<k" keeps its whole range; the others are narrowed by the marks alone, as the method says (see below).
    expect(full).toBeGreaterThan(10 * narrowedByMarks);
  });

  it('leaves no "<k" of other pairs narrowed for a nation that knows its own pairs, on random tables shaped like the report\'s', () => {
    const random = seeded(4242);
    for (let round = 0; round < 300; round++) {
      const k = 2 + Math.floor(random() * 10);
      const table = randomTable(random, k);
      const checked = suppressSmallCounts([table], k);
      const problem = unprotected([table], checked, k);
      expect(problem, JSON.stringify({ k, table: shapeOf(table), shown: checked.map(shown) })).toBeUndefined();
    }
  });

  it("says what the marks alone give away, which no suppression hides", () => {
    // A total below 10 over two rows of at least 1: each is at most 8 (and the total at least 2).
    const belowK: CountTree = { value: 9, least: 1, children: [4, 5].map((value) => ({ value, least: 1, children: [] })) };
    // An "x" over two "<10" that may be 0: neither is 0.
    const xOverSmall: CountTree = { value: 12, children: [4, 8].map((value) => ({ value, children: [] })) };
    for (const [tree, narrowed] of [
      [belowK, 3],
      [xOverSmall, 2],
    ] as const) {
      const everyHidden = mark(tree, [true, [true, true]]);
      expect(suppressSmallCounts([tree], 10)).toEqual([everyHidden]);
      expect(fullRanges([tree], [everyHidden], 10)).toEqual({ full: 0, narrowed });
      expect(unprotected([tree], [everyHidden], 10)).toBeUndefined();
    }
  });
});

/** A pair's total over its purposes, known to its caller and its owner; operations by default, so each row is at least 1. */
function pair(caller: string, owner: string, rows: number[], least = 1): CountTree {
  const knownTo = [caller, owner];
  return {
    value: rows.reduce((sum, row) => sum + row, 0),
    least,
    knownTo,
    children: rows.map((value) => ({ value, least, knownTo, children: [] })),
  };
}

/** A tree marked by hand: [hidden, [children…]], or hidden for a count without rows. */
type Marks = boolean | [boolean, Marks[]];
function mark(tree: CountTree, marks: Marks): CheckedCount {
  const [suppressed, children] = typeof marks === "boolean" ? [marks, []] : marks;
  return { value: tree.value, suppressed, children: tree.children.map((child, index) => mark(child, children[index] ?? false)) };
}

/** A deterministic generator of numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTree(random: () => number, depth: number): CountTree {
  if (depth >= 2 || random() < 0.3) {
    const value = random() < 0.5 ? Math.floor(random() * 12) : Math.floor(random() * 200);
    return { value, children: [] };
  }
  const children = Array.from({ length: 1 + Math.floor(random() * 5) }, () => randomTree(random, depth + 1));
  return { value: children.reduce((sum, child) => sum + child.value, 0), children };
}

const shapeOf = (node: CountTree): Shape => (node.children.length === 0 ? node.value : [node.value, node.children.map(shapeOf)]);

/** A table shaped like the report's: all pairs over pairs of four nations, each over one to three purposes; operations or a 0-based measure. */
function randomTable(random: () => number, k: number): CountTree {
  const nations = ["DEU", "EST", "FRA", "GBR"];
  const least = random() < 0.5 ? 1 : 0;
  const pairs = new Map<string, CountTree>();
  for (let attempt = 1 + Math.floor(random() * 6); attempt > 0; attempt--) {
    const [caller, owner] = [nations[Math.floor(random() * 4)]!, nations[Math.floor(random() * 4)]!];
    if (caller === owner || pairs.has(`${caller}>${owner}`)) continue;
    const rows = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      Math.max(least, random() < 0.6 ? Math.floor(random() * k) : Math.floor(random() * 5 * k)),
    );
    pairs.set(`${caller}>${owner}`, pair(caller, owner, rows, least));
  }
  const children = [...pairs.values()];
  return { value: children.reduce((sum, child) => sum + child.value, 0), children };
}

/**
 * The checker: the exact set of values every count could take, for a reader,
 * given the published table: each total the sum of its rows; a shown count,
 * or one the reader knows, its value; a "<k" from its least to k - 1; an
 * "x" k or more. Sets of integers are kept as unions of intervals (not
 * assumed to be one interval); the counts form trees, so a count's set is
 * what its rows allow (their sets added) met with what the rest of the tree
 * allows (its total's set less its siblings'), the two sharing only it.
 */
type IntSet = Array<[number, number]>;
const normal = (parts: IntSet): IntSet => {
  const sorted = parts.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const merged: IntSet = [];
  for (const [lo, hi] of sorted) {
    const last = merged.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
};
const pairwise = (a: IntSet, b: IntSet, f: (x: [number, number], y: [number, number]) => [number, number]) =>
  normal(a.flatMap((x) => b.map((y) => f(x, y))));
const meet = (a: IntSet, b: IntSet) => pairwise(a, b, (x, y) => [Math.max(x[0], y[0]), Math.min(x[1], y[1])]);
const plus = (a: IntSet, b: IntSet) => pairwise(a, b, (x, y) => [x[0] + y[0], x[1] + y[1]]);
const less = (a: IntSet, b: IntSet) => pairwise(a, b, (x, y) => [x[0] - y[1], x[1] - y[0]]);
const text = (set: IntSet) => set.map(([lo, hi]) => `${lo}..${hi}`).join(",") || "nothing";

interface Cell {
  value: number;
  least: number;
  knownTo: readonly string[];
  hidden: boolean;
  children: Cell[];
}
const zip = (tree: CountTree, checked: CheckedCount): Cell => ({
  value: tree.value,
  least: tree.least ?? 0,
  knownTo: tree.knownTo ?? [],
  hidden: checked.suppressed,
  children: tree.children.map((child, index) => zip(child, checked.children[index]!)),
});

function possible(roots: Cell[], k: number, reader: string | undefined, everyHidden: boolean): Map<Cell, IntSet> {
  const own = (cell: Cell): IntSet =>
    (reader !== undefined && cell.knownTo.includes(reader)) || !(cell.hidden || everyHidden)
      ? [[cell.value, cell.value]]
      : cell.value < k
        ? [[cell.least, k - 1]]
        : [[Math.max(k, cell.least), Number.POSITIVE_INFINITY]];
  const below = new Map<Cell, IntSet>();
  const up = (cell: Cell): IntSet => {
    const set = cell.children.length === 0 ? own(cell) : meet(own(cell), cell.children.map(up).reduce(plus));
    below.set(cell, set);
    return set;
  };
  const sets = new Map<Cell, IntSet>();
  const down = (cell: Cell, rest: IntSet) => {
    sets.set(cell, meet(below.get(cell)!, rest));
    const total = meet(own(cell), rest);
    for (const child of cell.children) {
      const siblings = cell.children.filter((other) => other !== child).map((other) => below.get(other)!);
      down(child, siblings.length === 0 ? total : less(total, siblings.reduce(plus)));
    }
  };
  for (const root of roots) {
    up(root);
    down(root, [[Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]]);
  }
  return sets;
}

const cellsOf = (roots: Cell[]): Cell[] => roots.flatMap((root) => [root, ...cellsOf(root.children)]);

/**
 * What is wrong with a published table, or undefined: a small count shown;
 * or, for anyone and for each nation that knows its own counts, a hidden
 * count below k, not known to that reader, whose possible values given the
 * published table are fewer than given the marks alone (every count it does
 * not know hidden): the shown counts would have told it something.
 */
function unprotected(forest: CountTree[], checked: CheckedCount[], k: number): string | undefined {
  const roots = forest.map((tree, index) => zip(tree, checked[index]!));
  const cells = cellsOf(roots);
  const small = cells.find((cell) => cell.value < k && !cell.hidden);
  if (small) return `${small.value} is shown`;
  const nations = [...new Set(cells.flatMap((cell) => cell.knownTo))].sort();
  for (const reader of [undefined, ...nations]) {
    const published = possible(roots, k, reader, false);
    const marks = possible(roots, k, reader, true);
    for (const cell of cells) {
      if (!cell.hidden || cell.value >= k || (reader !== undefined && cell.knownTo.includes(reader))) continue;
      const [now, alone] = [text(published.get(cell)!), text(marks.get(cell)!)];
      if (now !== alone) return `to ${reader ?? "anyone"}, hidden ${cell.value} could be ${now}, not ${alone}`;
    }
  }
  return undefined;
}

/** For anyone: how many hidden counts below k could still be anything from their least to k - 1, and how many could not. */
function fullRanges(forest: CountTree[], checked: CheckedCount[], k: number): { full: number; narrowed: number } {
  const roots = forest.map((tree, index) => zip(tree, checked[index]!));
  const published = possible(roots, k, undefined, false);
  const small = cellsOf(roots).filter((cell) => cell.hidden && cell.value < k);
  const full = small.filter((cell) => text(published.get(cell)!) === `${cell.least}..${k - 1}`).length;
  return { full, narrowed: small.length - full };
}
