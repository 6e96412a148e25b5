/** The median of a sample (NaN when it is empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile of an ascending sample, nearest rank (NaN when it is empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A small seeded generator (mulberry32), so that a report's intervals can be recomputed exactly from its samples. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Estimate {
  median: number;
  /** Percentile bootstrap 95% interval of the median. */
  ci95: [number, number];
  /** How many paired values the estimate is made of. */
  pairs: number;
}

/** `value` rounded to `digits` decimal places, as every figure of a report is. */
export const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The median of paired values with a percentile-bootstrap 95% interval (resamples with replacement). */
export function estimate(values: readonly number[], digits = 3, resamples = 5000, seed = 1): Estimate | null {
  if (values.length === 0) return null;
  const random = seededRandom(seed);
  const medians: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({ length: values.length }, () => values[Math.floor(random() * values.length)]!);
    medians.push(median(sample));
  }
  medians.sort((a, b) => a - b);
  return {
    median: round(median(values), digits),
    ci95: [round(percentile(medians, 2.5), digits), round(percentile(medians, 97.5), digits)],
    pairs: values.length,
  };
}

/** Half the interval's width over the median: how tight an estimate is (0.05 = ±5%). */
export const relativeHalfWidth = (e: Estimate): number => (e.ci95[1] - e.ci95[0]) / 2 / Math.abs(e.median);
