/** A count and the counts it is the sum of (a total over its rows); a leaf has none. */
export interface CountTree {
  value: number;
  children: readonly CountTree[];
  /** The least the count can be, as every reader knows (1 for a row that appears only when something was counted); 0 if not given. */
  least?: number;
  /** Who knows the count exactly without the report (a nation that is the caller or the owner of a pair knows the pair's counts). */
  knownTo?: readonly string[];
}

/** The same tree, each count marked shown or suppressed. */
export interface CheckedCount {
  value: number;
  suppressed: boolean;
  children: CheckedCount[];
}

/** How the suppression is done, as every published report says it. */
export const SUPPRESSION_METHOD = (k: number) =>
  `Every count below ${k} is shown as "<${k}" (primary suppression): a "<${k}" is 0 to ${k - 1}, or 1 to ${k - 1} for operations and fields ` +
  "(a row appears only when an operation was recorded) and for the rows of NEW_PURPOSE flags by purpose. " +
  `Then counts of ${k} or more are hidden as "x" (complementary suppression: an "x" is ${k} or more) until, for every "<${k}", ` +
  "the range of counts it could still be, given every published total, shown count and mark, is the range it would have if every count " +
  `were hidden and only the marks ("<${k}" or "x") published: the shown counts add nothing to what is known of it, neither through ` +
  "its own total nor across levels (all pairs, each pair, each purpose). The same holds against each nation that knows its own counts " +
  "(from its own access report: every count of a pair it is the caller or the owner of): taking those as known, the published counts " +
  `narrow no "<${k}" of the other pairs beyond what the marks alone leave. ` +
  "The count hidden next is the smallest shown one in a total that bears on the exposed count, a row before a total above it, " +
  `preferring one that widens its range; the ranges are computed exactly over the tree of totals. What the marks alone say is not hidden ` +
  `(nor, to a nation, what they say with its own counts): rows of a total below ${k} add up to less than ${k}, and rows below ${k} ` +
  `under a total of ${k} or more add up to at least ${k}. ` +
  "An x is not protected: it may be narrowed, or recovered. Each measure (operations, fields, redacted, refused) is suppressed on its own, " +
  "without the relations between them (redacted is at most fields; refused, at most operations); anomaly flags are not by nation, " +
  "so a nation notified of some flags knows at least that many of their kind.";

interface Node {
  value: number;
  least: number;
  knownTo: readonly string[];
  suppressed: boolean;
  parent: Node | undefined;
  children: Node[];
  /** Position in the walk of the forest: the first of equal candidates is taken. */
  order: number;
}

const nodeOf = (tree: CountTree, parent: Node | undefined): Node => {
  const node: Node = {
    value: tree.value,
    least: tree.least ?? 0,
    knownTo: tree.knownTo ?? [],
    suppressed: false,
    parent,
    children: [],
    order: 0,
  };
  node.children = tree.children.map((child) => nodeOf(child, node));
  return node;
};
const checkedOf = (node: Node): CheckedCount => ({
  value: node.value,
  suppressed: node.suppressed,
  children: node.children.map(checkedOf),
});

function* walk(nodes: readonly Node[]): Generator<Node> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}

/** The integers a count can be: lo to hi, hi possibly Infinity. */
interface Range {
  lo: number;
  hi: number;
}
const meet = (a: Range, b: Range): Range => ({ lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) });

/** Who reads the report: anyone (undefined), or a nation that knows its own counts. */
type Reader = string | undefined;
const knows = (reader: Reader, node: Node) => reader !== undefined && node.knownTo.includes(reader);

/**
 * The exact range of every count, for a reader who knows the counts `reader`
 * knows, and the published ones (every count, when `hidden` says none is):
 * a hidden count is its mark's range ("<k": least to k - 1; "x": k and more).
 * The counts form trees of totals, so the range of a count is what its
 * subtree allows (its rows' ranges added up) met with what the rest allows
 * (its total's range less its siblings'), each an interval of integers.
 */
function rangesOf(roots: readonly Node[], k: number, reader: Reader, hidden: (node: Node) => boolean): Map<Node, Range> {
  const mark = (node: Node): Range =>
    knows(reader, node) || !hidden(node)
      ? { lo: node.value, hi: node.value }
      : node.value < k
        ? { lo: node.least, hi: k - 1 }
        : { lo: Math.max(k, node.least), hi: Number.POSITIVE_INFINITY };
  const below = new Map<Node, Range>();
  const up = (node: Node): Range => {
    let range = mark(node);
    if (node.children.length > 0) {
      const sum = { lo: 0, hi: 0 };
      for (const child of node.children) {
        const rows = up(child);
        sum.lo += rows.lo;
        sum.hi += rows.hi;
      }
      range = meet(range, sum);
    }
    below.set(node, range);
    return range;
  };
  const ranges = new Map<Node, Range>();
  const down = (node: Node, above: Range) => {
    ranges.set(node, meet(below.get(node)!, above));
    if (node.children.length === 0) return;
    const total = meet(mark(node), above);
    let lo = 0;
    let hi = 0;
    let unbounded = 0;
    for (const child of node.children) {
      const rows = below.get(child)!;
      lo += rows.lo;
      if (rows.hi === Number.POSITIVE_INFINITY) unbounded += 1;
      else hi += rows.hi;
    }
    for (const child of node.children) {
      const own = below.get(child)!;
      const othersLo = lo - own.lo;
      const othersUnbounded = unbounded - (own.hi === Number.POSITIVE_INFINITY ? 1 : 0);
      const othersHi = othersUnbounded > 0 ? Number.POSITIVE_INFINITY : hi - (own.hi === Number.POSITIVE_INFINITY ? 0 : own.hi);
      down(child, { lo: total.lo - othersHi, hi: total.hi - othersLo });
    }
  };
  for (const root of roots) {
    up(root);
    down(root, { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY });
  }
  return ranges;
}

const same = (a: Range, b: Range) => a.lo === b.lo && a.hi === b.hi;
const wider = (a: Range, b: Range) => a.lo < b.lo || a.hi > b.hi;

/** The first "<k" that the published counts narrow, for this reader, beyond its range with every count hidden; or undefined. */
function exposed(roots: readonly Node[], nodes: readonly Node[], k: number, reader: Reader, marksOnly: Map<Node, Range>): Node | undefined {
  const published = rangesOf(roots, k, reader, (node) => node.suppressed);
  return nodes.find(
    (node) => node.suppressed && node.value < k && !knows(reader, node) && !same(published.get(node)!, marksOnly.get(node)!),
  );
}

/**
 * The count to hide next for an exposed "<k": a shown count the reader does
 * not know, in a total that bears on it (one whose equation holds it or a
 * hidden count linked to it through hidden counts). The smallest of those
 * not above it in the tree that widens its range; else the smallest of
 * those; else, of the totals above it, the smallest that widens it, else the
 * smallest. Ties go to the first in the table.
 */
function complementFor(cell: Node, roots: readonly Node[], k: number, reader: Reader): Node {
  const open = (node: Node) => node.suppressed && !knows(reader, node);
  const linked = new Set<Node>([cell]);
  const candidates = new Set<Node>();
  const pending = [cell];
  const equation = (total: Node) => [total, ...total.children];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const equations = [...(node.children.length > 0 ? [equation(node)] : []), ...(node.parent ? [equation(node.parent)] : [])];
    for (const member of equations.flat()) {
      if (open(member)) {
        if (!linked.has(member)) {
          linked.add(member);
          pending.push(member);
        }
      } else if (!member.suppressed && !knows(reader, member)) candidates.add(member);
    }
  }
  const above = new Set<Node>();
  for (let node = cell.parent; node; node = node.parent) above.add(node);
  const now = rangesOf(roots, k, reader, (node) => node.suppressed).get(cell)!;
  const widens = (candidate: Node) => {
    candidate.suppressed = true;
    const range = rangesOf(roots, k, reader, (node) => node.suppressed).get(cell)!;
    candidate.suppressed = false;
    return wider(range, now);
  };
  const byValue = (a: Node, b: Node) => a.value - b.value || a.order - b.order;
  const rows = [...candidates].filter((node) => !above.has(node)).sort(byValue);
  const totals = [...candidates].filter((node) => above.has(node)).sort(byValue);
  const chosen = rows.find(widens) ?? rows[0] ?? totals.find(widens) ?? totals[0];
  // With nothing shown in the totals that bear on it, a count's range is its range with every count hidden: it would not be exposed.
  if (!chosen) throw new Error("an exposed count with nothing left to hide");
  return chosen;
}

/**
 * Suppresses small counts in a forest of totals (each node the sum of its
 * children): primary suppression of every count below `k`, then
 * complementary suppression, one count at a time, until no "<k" is narrowed
 * by the shown counts, for any reader and for each reader that knows its
 * own counts (`knownTo`), as SUPPRESSION_METHOD says. Each step hides one
 * more count, and with every count a reader does not know hidden nothing is
 * exposed to it, so it ends.
 */
export function suppressSmallCounts(forest: readonly CountTree[], k: number): CheckedCount[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, not ${k}`);
  const roots = forest.map((tree) => nodeOf(tree, undefined));
  const nodes = [...walk(roots)];
  nodes.forEach((node, order) => {
    node.order = order;
    node.suppressed = node.value < k;
  });
  const readers: Reader[] = [undefined, ...[...new Set(nodes.flatMap((node) => node.knownTo))].sort()];
  const marksOnly = new Map(readers.map((reader) => [reader, rangesOf(roots, k, reader, () => true)]));
  for (;;) {
    let found: { cell: Node; reader: Reader } | undefined;
    for (const reader of readers) {
      const cell = exposed(roots, nodes, k, reader, marksOnly.get(reader)!);
      if (cell) {
        found = { cell, reader };
        break;
      }
    }
    if (!found) break;
    complementFor(found.cell, roots, k, found.reader).suppressed = true;
  }
  return roots.map(checkedOf);
}
