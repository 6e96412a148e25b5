/** A count and the counts it is the sum of (a total over its rows); a leaf has none. */
export interface CountTree {
  value: number;
  children: readonly CountTree[];
}

/** The same tree, each count marked shown or suppressed. */
export interface CheckedCount {
  value: number;
  suppressed: boolean;
  children: CheckedCount[];
}

/** How the suppression is done, as every published report says it. */
export const SUPPRESSION_METHOD = (k: number) =>
  `Every count below ${k} is shown as "<${k}" (primary suppression; zero is a count below ${k} too). ` +
  "Then, wherever a total is published with the rows it sums and a row is hidden, at least two rows are hidden, and enough that " +
  `each "<${k}" among them could still be any count from 0 to ${k - 1} given the total and the shown rows; until that holds, ` +
  `the smallest shown row is hidden too, as "x" (complementary suppression: an "x" is ${k} or more), or else the total. ` +
  "A hidden total always has a hidden row. This is repeated until it holds everywhere, so that no hidden count can be recovered, " +
  "or narrowed within its total, by subtracting shown counts from a total.";

interface Node {
  value: number;
  suppressed: boolean;
  children: Node[];
}

const nodeOf = (tree: CountTree): Node => ({ value: tree.value, suppressed: false, children: tree.children.map(nodeOf) });
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

/** The shown row to give up as a complement: the smallest, the first of equals (tables are sorted, so this is stable). */
const smallestShown = (children: readonly Node[]): Node | undefined =>
  children.reduce<Node | undefined>((best, child) => (child.suppressed || (best && best.value <= child.value) ? best : child), undefined);

/**
 * Whether the hidden rows of a shown total protect the small ones among them:
 * at least two unknowns (none is the total minus the others), and each small
 * one could still be anything from 0 to k - 1. A reader knows that a hidden
 * row is either below k ("<k") or k and more ("x"), so the hidden rows' sum,
 * less k for each "x", must leave room for k - 1; and with no "x" among them,
 * the others' most (k - 1 each) must be able to make up the whole sum.
 */
function protects(hidden: readonly Node[], k: number): boolean {
  if (hidden.length < 2) return false;
  const small = hidden.filter((row) => row.value < k).length;
  if (small === 0) return true;
  const large = hidden.length - small;
  const sum = hidden.reduce((total, row) => total + row.value, 0);
  return sum - k * large >= k - 1 && (large > 0 || sum <= (k - 1) * (small - 1));
}

/**
 * Checks one total against its rows; suppresses one more count and says so
 * when the rule does not hold yet.
 */
function protect(total: Node, k: number): boolean {
  const hidden = total.children.filter((child) => child.suppressed);
  if (total.suppressed) {
    // A suppressed total whose rows are all shown is their sum.
    if (hidden.length > 0) return false;
    const complement = smallestShown(total.children);
    if (complement) complement.suppressed = true;
    return complement !== undefined;
  }
  if (hidden.length === 0 || protects(hidden, k)) return false;
  const complement = smallestShown(total.children) ?? total;
  complement.suppressed = true;
  return true;
}

/**
 * Suppresses small counts in a forest of totals (each node the sum of its
 * children): primary suppression of every count below `k`, then
 * complementary suppression until every total and its rows follow the rule
 * of SUPPRESSION_METHOD. Each step only hides more, so it ends.
 *
 * With each total's equation left with none or at least two unknowns, and
 * the totals forming a tree, no sum or difference of published equations
 * isolates a single suppressed count. The bounds are kept within each
 * total; across levels (a hidden subtotal whose own range is narrowed by
 * its parent) they may be tighter: an interval audit by linear programming
 * would be the next step.
 */
export function suppressSmallCounts(forest: readonly CountTree[], k: number): CheckedCount[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, not ${k}`);
  const roots = forest.map(nodeOf);
  const nodes = [...walk(roots)];
  for (const node of nodes) node.suppressed = node.value < k;
  const totals = nodes.filter((node) => node.children.length > 0);
  let changed = true;
  while (changed) {
    changed = false;
    for (const total of totals) changed = protect(total, k) || changed;
  }
  return roots.map(checkedOf);
}
