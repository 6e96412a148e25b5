import { describe, expect, it } from "vitest";
import { SlidingCount } from "../../gateway/oversight/anomaly/sliding-count.js";

// A window of 10 s, flagged past 3: [at (s), weight] added in order, and the count each addition reports (a crossing) or not.
type Step = [at: number, weight: number, crossing: number | undefined];

const run = (steps: readonly Step[], threshold = 3, windowSeconds = 10) => {
  const window = new SlidingCount(windowSeconds * 1000, threshold);
  return steps.map(([at, weight]) => window.add(at * 1000, weight, []));
};

describe("SlidingCount: one subject's window", () => {
  it.each<[string, Step[]]>([
    [
      "below the threshold: no crossing",
      [
        [0, 1, undefined],
        [1, 1, undefined],
      ],
    ],
    [
      "at the threshold: no crossing",
      [
        [0, 1, undefined],
        [1, 1, undefined],
        [2, 1, undefined],
      ],
    ],
    [
      "above it: one crossing, with the count",
      [
        [0, 1, undefined],
        [1, 1, undefined],
        [2, 1, undefined],
        [3, 1, 4],
      ],
    ],
    [
      "once per crossing, not on every addition above it",
      [
        [0, 1, undefined],
        [0, 1, undefined],
        [0, 1, undefined],
        [0, 1, 4],
        [1, 1, undefined],
        [2, 5, undefined],
      ],
    ],
    ["weights: one heavy addition crosses alone", [[0, 9, 9]]],
    [
      "weights add up",
      [
        [0, 2, undefined],
        [1, 2, 4],
      ],
    ],
    [
      "the window slides: what is 10 s old has left it",
      [
        [0, 1, undefined],
        [1, 1, undefined],
        [2, 1, undefined],
        [10, 1, undefined],
        [10.5, 1, 4],
      ],
    ],
    [
      "just inside the window still counts",
      [
        [0, 1, undefined],
        [1, 1, undefined],
        [2, 1, undefined],
        [9.999, 1, 4],
      ],
    ],
    [
      "re-arms once the window falls back to the threshold, and crosses again",
      [
        [0, 1, undefined],
        [0, 1, undefined],
        [0, 1, undefined],
        [0, 1, 4],
        [10, 1, undefined],
        [10, 1, undefined],
        [10, 1, undefined],
        [10, 1, 4],
      ],
    ],
    [
      "does not re-arm while the window stays above the threshold",
      [
        [0, 1, undefined],
        [1, 1, undefined],
        [2, 1, undefined],
        [3, 1, 4],
        ...[4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((at): Step => [at, 1, undefined]),
      ],
    ],
    [
      "an addition of nothing lets the window slide and re-arm",
      [
        [0, 4, 4],
        [10, 0, undefined],
        [11, 4, 4],
      ],
    ],
  ])("%s", (_name, steps) => {
    expect(run(steps)).toEqual(steps.map(([, , crossing]) => crossing));
  });

  it("with threshold 0 the first addition crosses", () => {
    expect(
      run(
        [
          [0, 1, 1],
          [1, 1, undefined],
        ],
        0,
      ),
    ).toEqual([1, undefined]);
  });

  it("keeps no more entries than the threshold needs, however much comes in", () => {
    const window = new SlidingCount(60_000, 5);
    for (let i = 0; i < 10_000; i++) window.add(i, 1, []);
    expect(window.entries).toBeLessThanOrEqual(6);
    // Trimmed, but exact about when the window is back to the threshold: 60 s after the last six, and not before.
    expect(window.add(9_999 + 59_000, 0, [])).toBeUndefined();
    expect(window.add(9_999 + 59_000, 1, [])).toBeUndefined(); // still above: no second crossing
    expect(window.add(9_999 + 60_000 + 60_000, 6, [])).toBe(6); // everything old has left: re-armed, crosses again
  });

  it("names the owners seen within the window, sorted, and forgets those that left it", () => {
    const window = new SlidingCount(10_000, 3);
    window.add(0, 1, ["FRA"]);
    window.add(5_000, 1, ["EST", "DEU"]);
    expect(window.owners(9_000)).toEqual(["DEU", "EST", "FRA"]);
    expect(window.owners(12_000)).toEqual(["DEU", "EST"]);
  });
});
