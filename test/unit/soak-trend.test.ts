import { describe, expect, it } from "vitest";
import { bootstrapSlope, leastSquares, MIN_TREND_SAMPLES, memoryTrend } from "../../bench/soak-trend.js";
import { seededRandom } from "../../bench/stats.js";

// Samples every 5 s over a 10-minute run: RSS in MiB around 200, a garbage collector's saw-tooth plus noise.
const run = (slopePerMinute: number, seed = 7) => {
  const random = seededRandom(seed);
  return Array.from({ length: 120 }, (_, k) => {
    const minute = (k * 5) / 60;
    return { minute, rss_mb: 200 + slopePerMinute * minute + (k % 6) * 1.5 + (random() - 0.5) * 4 };
  });
};

describe("the soak's memory trend", () => {
  it("fits a line exactly and gives its standard error", () => {
    const fit = leastSquares([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.intercept).toBeCloseTo(1, 10);
    expect(fit.se).toBeCloseTo(0, 10);
    expect(leastSquares([0, 1, 2, 3], [0, 1, 0, 1]).se).toBeGreaterThan(0);
  });

  it("puts the true slope inside the block-bootstrap interval", () => {
    const samples = run(0.8);
    const [low, high] = bootstrapSlope(
      samples.map((s) => s.minute),
      samples.map((s) => s.rss_mb),
    );
    expect(low).toBeLessThan(0.8);
    expect(high).toBeGreaterThan(0.8);
  });

  it("finds no growth beyond noise in a flat saw-tooth", () => {
    const trend = memoryTrend(run(0), 10);
    expect(trend.from_minute).toBe(5);
    expect(trend.samples).toBe(60);
    expect(trend.verdict).toBe("flat");
    expect(trend.ci95_mb_per_minute[0]).toBeLessThan(0);
    expect(trend.ci95_mb_per_minute[1]).toBeGreaterThan(0);
  });

  it("says memory grows when the second half climbs beyond the noise, and only the second half counts", () => {
    expect(memoryTrend(run(2), 10).verdict).toBe("grows");
    // A climb in the first half (start-up, caches filling) and flat after it is no growth.
    const warming = run(0).map((s) => ({ ...s, rss_mb: s.rss_mb + Math.min(s.minute, 4) * 20 }));
    expect(memoryTrend(warming, 10).verdict).toBe("flat");
    expect(memoryTrend(run(-3), 10).verdict).toBe("shrinks");
  });

  it("gives no verdict on too few samples", () => {
    const few = run(5)
      .filter((s) => s.minute >= 5)
      .slice(0, MIN_TREND_SAMPLES - 1);
    const trend = memoryTrend(few, 10);
    expect(trend.verdict).toBe("too few samples");
    expect(Number.isNaN(trend.slope_mb_per_minute)).toBe(true);
  });
});
