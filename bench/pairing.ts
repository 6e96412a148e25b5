import type { WindowResult } from "./window.js";

// How the fixed-rate rounds pair a variant with its baseline. Over five full runs, a pair's ratio strayed from its
// run's median by 0.092 (mean |log|) when the two windows were adjacent in their round, and by 0.16 when they were
// six or seven windows apart: the machine drifts within a round. So B, the baseline of five ratios, is measured twice
// per round, and each window is paired with the baseline window nearest to it in the same round.

/** Accepted windows only: a window still rejected after its repeats is in no pair. */
export const accepted = (w: WindowResult): boolean => w.rejected.length === 0;

/**
 * `combine(t, b)` for every accepted window of `t`, with the accepted window of `b` nearest to it in its round (by
 * position; the earlier one on a tie). A round with no accepted `b` window gives no value.
 */
export function pairedValues(
  windows: readonly WindowResult[],
  kind: WindowResult["kind"],
  query: string,
  [t, b]: readonly [string, string],
  combine: (t: WindowResult, b: WindowResult) => number,
): number[] {
  const of = (name: string) => windows.filter((w) => w.kind === kind && w.query === query && w.variant === name && accepted(w));
  const baselines = of(b);
  return of(t).flatMap((tw) => {
    let nearest: WindowResult | undefined;
    for (const bw of baselines) {
      if (bw.round !== tw.round) continue;
      if (nearest === undefined || Math.abs(bw.position - tw.position) < Math.abs(nearest.position - tw.position)) nearest = bw;
    }
    return nearest ? [combine(tw, nearest)] : [];
  });
}

/**
 * The order of one fixed-rate round. With B and at least four other variants: B twice, splitting the others (in a
 * new random order) so that each is at most two windows from a B (one, then three, then one, for five); T-redact
 * and its baseline B-rewritten side by side, at one end. Otherwise every variant once, in a new random order.
 */
export function fixedRoundOrder(variants: readonly string[], shuffle: <T>(items: T[]) => T[]): string[] {
  const others = variants.filter((name) => name !== "B");
  const pairedBlock = others.includes("T-redact") && others.includes("B-rewritten") ? shuffle(["T-redact", "B-rewritten"]) : [];
  const singles = shuffle(others.filter((name) => !pairedBlock.includes(name)));
  if (!variants.includes("B") || singles.length < 4) return shuffle([...variants]);
  const outer = Math.round(singles.length / 4);
  const middle = singles.length - 2 * outer;
  const core = [...singles.slice(0, outer), "B", ...singles.slice(outer, outer + middle), "B", ...singles.slice(outer + middle)];
  return shuffle([0, 1])[0] === 0 ? [...pairedBlock, ...core] : [...core, ...pairedBlock];
}
