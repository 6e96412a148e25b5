import { percentile, seededRandom } from "./stats.js";

export interface Fit {
  slope: number;
  intercept: number;
  /** The slope's classical standard error (NaN with fewer than three points). */
  se: number;
}

/** The least-squares line through the points. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): Fit {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  const intercept = my - slope * mx;
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const se = n > 2 && sxx > 0 ? Math.sqrt(residuals / (n - 2) / sxx) : Number.NaN;
  return { slope, intercept, se };
}

/**
 * A 95% interval of the slope by moving-block bootstrap: runs of `block` consecutive points are drawn with replacement
 * until there are as many points as given, and the line fitted again. Blocks keep what neighbouring samples share
 * (a garbage collection's saw-tooth), which resampling single points would take for independent noise.
 */
export function bootstrapSlope(
  xs: readonly number[],
  ys: readonly number[],
  options: { block?: number; resamples?: number; seed?: number } = {},
): [number, number] {
  const n = xs.length;
  const block = Math.min(n, options.block ?? Math.max(1, Math.round(Math.cbrt(n))));
  const random = seededRandom(options.seed ?? 1);
  const slopes: number[] = [];
  for (let r = 0; r < (options.resamples ?? 2000); r++) {
    const rx: number[] = [];
    const ry: number[] = [];
    while (rx.length < n) {
      const start = Math.floor(random() * (n - block + 1));
      for (let k = start; k < start + block && rx.length < n; k++) {
        rx.push(xs[k]!);
        ry.push(ys[k]!);
      }
    }
    const { slope } = leastSquares(rx, ry);
    if (Number.isFinite(slope)) slopes.push(slope);
  }
  slopes.sort((a, b) => a - b);
  return [percentile(slopes, 2.5), percentile(slopes, 97.5)];
}

export type TrendVerdict = "grows" | "flat" | "shrinks" | "too few samples";

export interface MemoryTrend {
  /** The minutes fitted: the second half of the run. */
  from_minute: number;
  to_minute: number;
  samples: number;
  slope_mb_per_minute: number;
  se_mb_per_minute: number;
  ci95_mb_per_minute: [number, number];
  /** `grows` only when the whole interval is above zero: growth beyond the noise of the samples. */
  verdict: TrendVerdict;
}

/** Fewer samples than this in the second half give no verdict. */
export const MIN_TREND_SAMPLES = 6;

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The resident memory's trend over the second half of the run, from samples at minutes since the start. */
export function memoryTrend(samples: ReadonlyArray<{ minute: number; rss_mb: number }>, runMinutes: number): MemoryTrend {
  const half = samples.filter((s) => s.minute >= runMinutes / 2);
  const xs = half.map((s) => s.minute);
  const ys = half.map((s) => s.rss_mb);
  const base = { from_minute: round(runMinutes / 2, 2), to_minute: round(runMinutes, 2), samples: half.length };
  if (half.length < MIN_TREND_SAMPLES)
    return {
      ...base,
      slope_mb_per_minute: Number.NaN,
      se_mb_per_minute: Number.NaN,
      ci95_mb_per_minute: [Number.NaN, Number.NaN],
      verdict: "too few samples",
    };
  const fit = leastSquares(xs, ys);
  const [low, high] = bootstrapSlope(xs, ys);
  return {
    ...base,
    slope_mb_per_minute: round(fit.slope),
    se_mb_per_minute: round(fit.se),
    ci95_mb_per_minute: [round(low), round(high)],
    verdict: low > 0 ? "grows" : high < 0 ? "shrinks" : "flat",
  };
}
