import { describe, expect, it } from "vitest";
import { type CheckedCount, type CountTree, SUPPRESSION_METHOD, suppressSmallCounts } from "../../lib/audit/small-cells.js";

// Small-cell suppression: every count below k hidden, and no hidden count recoverable from the totals it is part of.

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
    ["k = 1 hides only zeros, and what would give them away", [3, [0, 3]], 1, [3, ["<", "<"]]],
    [
      "a subtotal hidden as a complement, whose own small row already keeps it from being their sum",
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
          ["<", ["<", 10]],
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

  it("is described, in every published report, with k and k - 1", () => {
    const text = SUPPRESSION_METHOD(10);
    for (const part of [
      'Every count below 10 is shown as "<10" (primary suppression; zero is a count below 10 too). ',
      "Then, wherever a total is published with the rows it sums and a row is hidden, at least two rows are hidden, and enough that ",
      'each "<10" among them could still be any count from 0 to 9 given the total and the shown rows; until that holds, ',
      'the smallest shown row is hidden too, as "x" (complementary suppression: an "x" is 10 or more), or else the total. ',
      "A hidden total always has a hidden row. This is repeated until it holds everywhere, so that no hidden count can be recovered, ",
      "or narrowed within its total, by subtracting shown counts from a total.",
    ])
      expect(text).toContain(part);
  });

  it("leaves no hidden count recoverable, on random tables of totals (a checker of its own: linear algebra on the published equations)", () => {
    const random = seeded(20261203);
    for (let round = 0; round < 400; round++) {
      const k = 2 + Math.floor(random() * 10);
      const forest = Array.from({ length: 1 + Math.floor(random() * 2) }, () => randomTree(random, 0));
      const checked = suppressSmallCounts(forest, k);
      const problem = unprotected(checked, k);
      expect(problem, JSON.stringify({ k, forest: forest.map(shapeOf), shown: checked.map(shown) })).toBeUndefined();
    }
  });
});

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

/** What is wrong with a published table, or undefined: a small count shown, a hidden one solvable, or hidden rows summing below k. */
function unprotected(forest: CheckedCount[], k: number): string | undefined {
  const nodes: CheckedCount[] = [];
  const collect = (node: CheckedCount) => {
    nodes.push(node);
    node.children.forEach(collect);
  };
  forest.forEach(collect);
  const small = nodes.find((node) => node.value < k && !node.suppressed);
  if (small) return `${small.value} is shown`;
  const unknowns = nodes.filter((node) => node.suppressed);
  // One equation per total: total - sum(rows) = 0, over the hidden counts (shown ones are constants).
  const equations = nodes
    .filter((node) => node.children.length > 0)
    .map((total) => unknowns.map((unknown) => (unknown === total ? 1 : total.children.includes(unknown) ? -1 : 0)));
  for (const total of nodes.filter((node) => node.children.length > 0 && !node.suppressed)) {
    const hidden = total.children.filter((child) => child.suppressed);
    const small = hidden.filter((child) => child.value < k);
    if (small.length === 0) continue;
    // Knowing each "<k" is 0..k-1 and each "x" k or more: the range the total leaves to one small row, the others at their extremes.
    const others = (row: CheckedCount) => hidden.filter((child) => child !== row);
    for (const row of small) {
      const sum = hidden.reduce((total, child) => total + child.value, 0);
      const most = sum - others(row).reduce((least, child) => least + (child.value < k ? 0 : k), 0);
      const least = others(row).some((child) => child.value >= k) ? 0 : sum - (k - 1) * (small.length - 1);
      if (most < k - 1 || least > 0) return `hidden ${row.value} under ${total.value} is narrowed to ${least}..${most}`;
    }
  }
  const base = rank(equations);
  for (const [index, unknown] of unknowns.entries()) {
    const alone = unknowns.map((_, column) => (column === index ? 1 : 0));
    // The count is determined exactly when the unit vector lies in the equations' row space.
    if (rank([...equations, alone]) === base) return `hidden ${unknown.value} is recoverable`;
  }
  return undefined;
}

function rank(rows: number[][]): number {
  const matrix = rows.map((row) => [...row]);
  let rank = 0;
  const columns = matrix[0]?.length ?? 0;
  for (let column = 0; column < columns && rank < matrix.length; column++) {
    const pivot = matrix.findIndex((row, index) => index >= rank && Math.abs(row[column]!) > 1e-9);
    if (pivot === -1) continue;
    [matrix[rank], matrix[pivot]] = [matrix[pivot]!, matrix[rank]!];
    for (let index = 0; index < matrix.length; index++) {
      if (index === rank) continue;
      const factor = matrix[index]![column]! / matrix[rank]![column]!;
      if (factor !== 0) matrix[index] = matrix[index]!.map((value, at) => value - factor * matrix[rank]![at]!);
    }
    rank += 1;
  }
  return rank;
}
