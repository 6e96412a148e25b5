import { describe, expect, it } from "vitest";
import { machineSpeedLine, machineSpeedMark, REFERENCE_B_CPU_US, REFERENCE_RATE, SLOWER_AT } from "../../bench/machine-speed.js";

describe("marking a run's machine against the reference", () => {
  it("compares B's CPU per typical request with the reference machine's, at the reference rate only", () => {
    // This session's quick run: B at 2,790.7 µs per request at 90/s.
    expect(machineSpeedMark(2790.7, 90)).toEqual({
      b_cpu_us_per_request: 2790.7,
      reference_us: REFERENCE_B_CPU_US,
      ratio: 1.376,
      slower: true,
    });
    // The committed runs of a2206bc themselves.
    expect(machineSpeedMark(2166.7, 90)).toMatchObject({ ratio: 1.068, slower: false });
    expect(machineSpeedMark(1888.9, 90)).toMatchObject({ ratio: 0.931, slower: false });
    // CPU per request depends on the rate: at another rate there is no comparison.
    expect(machineSpeedMark(2790.7, 86)).toMatchObject({ b_cpu_us_per_request: 2790.7, ratio: null, slower: null });
    expect(machineSpeedMark(null, REFERENCE_RATE)).toMatchObject({ b_cpu_us_per_request: null, ratio: null, slower: null });
    expect(machineSpeedMark(undefined, REFERENCE_RATE)).toMatchObject({ ratio: null, slower: null });
    expect(machineSpeedMark(0, REFERENCE_RATE)).toMatchObject({ ratio: null, slower: null });
  });

  it("counts the machine as slower only above the bound", () => {
    expect(machineSpeedMark(REFERENCE_B_CPU_US * SLOWER_AT, REFERENCE_RATE).slower).toBe(false);
    expect(machineSpeedMark(REFERENCE_B_CPU_US * SLOWER_AT + 3, REFERENCE_RATE).slower).toBe(true);
    // A faster machine is not marked: its ratios are, if anything, lower for a reason other than the code.
    expect(machineSpeedMark(REFERENCE_B_CPU_US / 2, REFERENCE_RATE).slower).toBe(false);
  });

  it("says so in the report's table", () => {
    expect(machineSpeedLine(machineSpeedMark(2790.7, 90))).toMatch(/^ {2}THE MACHINE WAS SLOWER: B used 2790.7 µs .* 1.376× .* 2028;/);
    expect(machineSpeedLine(machineSpeedMark(2000, 90))).toBe(
      "  the machine: B used 2000 µs per typical request, 0.986× the reference machine's 2028 (within 1.15×)",
    );
    expect(machineSpeedLine(machineSpeedMark(2000, 86))).toMatch(/not compared with the reference/);
  });
});
