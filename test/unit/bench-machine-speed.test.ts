import { describe, expect, it } from "vitest";
import {
  machineSpeedLine,
  machineSpeedMark,
  REFERENCE_B_CPU_US,
  REFERENCE_B_FULL_LOAD_RPS,
  REFERENCE_PROCESSOR,
  REFERENCE_RATE,
  SLOWER_AT,
} from "../../bench/machine-speed.js";

const XEON = "Intel(R) Xeon(R) Processor";
/** B on the reference processor at its full load and rate: only the figure under test differs. */
const reference = {
  bCpuUsPerRequest: REFERENCE_B_CPU_US,
  rate: REFERENCE_RATE,
  bFullLoadRps: REFERENCE_B_FULL_LOAD_RPS,
  processor: REFERENCE_PROCESSOR,
};

describe("marking a run's machine against the reference", () => {
  it("compares B's CPU per typical request with the reference machine's, at the reference rate only", () => {
    // A quick run of an earlier session: B at 2,790.7 µs per request at 90/s.
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: 2790.7 })).toMatchObject({
      b_cpu_us_per_request: 2790.7,
      reference_us: REFERENCE_B_CPU_US,
      ratio: 1.376,
      slower: true,
    });
    // The committed runs of a2206bc themselves.
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: 2166.7 })).toMatchObject({ ratio: 1.068, slower: false });
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: 1888.9 })).toMatchObject({ ratio: 0.931, slower: false });
    // CPU per request depends on the rate: at another rate there is no comparison of it.
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: 2790.7, rate: 86 })).toMatchObject({
      b_cpu_us_per_request: 2790.7,
      ratio: null,
    });
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: null })).toMatchObject({ b_cpu_us_per_request: null, ratio: null });
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: undefined })).toMatchObject({ ratio: null });
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: 0 })).toMatchObject({ ratio: null });
  });

  it("compares B's full load with the reference machine's at any rate, so that a run whose rate was lowered is marked too", () => {
    // This session's first full run of 6ce4449 on the Xeon: the typical rate lowered to 77/s, B's full load 370.65/s.
    const lowered = machineSpeedMark({ bCpuUsPerRequest: 3571.4, rate: 77, bFullLoadRps: 370.65, processor: XEON });
    expect(lowered).toEqual({
      processor: XEON,
      reference_processor: REFERENCE_PROCESSOR,
      same_processor: false,
      b_cpu_us_per_request: 3571.4,
      reference_us: REFERENCE_B_CPU_US,
      ratio: null,
      b_full_load_rps: 370.65,
      reference_full_load_rps: REFERENCE_B_FULL_LOAD_RPS,
      full_load_ratio: 2.072,
      slower: true,
    });
    expect(machineSpeedMark({ ...reference, bFullLoadRps: null })).toMatchObject({ full_load_ratio: null, slower: false });
    expect(machineSpeedMark({ ...reference, bFullLoadRps: 0 })).toMatchObject({ full_load_ratio: null });
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: null, bFullLoadRps: undefined })).toMatchObject({ slower: null });
  });

  it("counts the machine as slower only above the bound, by either measure", () => {
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: REFERENCE_B_CPU_US * SLOWER_AT }).slower).toBe(false);
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: REFERENCE_B_CPU_US * SLOWER_AT + 3 }).slower).toBe(true);
    expect(machineSpeedMark({ ...reference, bFullLoadRps: REFERENCE_B_FULL_LOAD_RPS / SLOWER_AT + 1 }).slower).toBe(false);
    expect(machineSpeedMark({ ...reference, bFullLoadRps: REFERENCE_B_FULL_LOAD_RPS / SLOWER_AT - 3 }).slower).toBe(true);
    // A faster machine is not marked: its ratios are, if anything, lower for a reason other than the code.
    expect(machineSpeedMark({ ...reference, bCpuUsPerRequest: REFERENCE_B_CPU_US / 2, bFullLoadRps: 2000 }).slower).toBe(false);
  });

  it("names the processor, and another processor than the reference's", () => {
    expect(machineSpeedMark(reference)).toMatchObject({ processor: REFERENCE_PROCESSOR, same_processor: true });
    expect(machineSpeedMark({ ...reference, processor: XEON })).toMatchObject({ processor: XEON, same_processor: false, slower: false });
    expect(machineSpeedMark({ ...reference, processor: undefined })).toMatchObject({ processor: null, same_processor: null });
  });

  it("says so in the report's table", () => {
    expect(machineSpeedLine(machineSpeedMark({ ...reference, bCpuUsPerRequest: 2000 }))).toBe(
      "  the machine: B used 2000 µs per typical request, 0.986× the reference machine's 2028; " +
        "B's full load 768 requests/s, the reference machine's 768 over it: 1× (within 1.15×)",
    );
    expect(machineSpeedLine(machineSpeedMark({ ...reference, bCpuUsPerRequest: 2790.7 }))).toMatch(
      /^ {2}THE MACHINE DIFFERS FROM THE REFERENCE \(slower by more than 1.15×\): B used 2790.7 µs .* 1.376× .* 2028;/,
    );
    // Another processor is marked even where B was no slower.
    expect(machineSpeedLine(machineSpeedMark({ ...reference, processor: XEON }))).toMatch(
      /^ {2}THE MACHINE DIFFERS FROM THE REFERENCE \(another processor \(Intel\(R\) Xeon\(R\) Processor\) than the reference's \(AMD EPYC\)\)/,
    );
    expect(machineSpeedLine(machineSpeedMark({ bCpuUsPerRequest: 3571.4, rate: 77, bFullLoadRps: 370.65, processor: XEON }))).toMatch(
      /\(another processor .*; slower by more than 1.15×\): B's CPU per request not compared \(not measured at 90\/s .*\); B's full load 370.65 requests\/s, the reference machine's 768 over it: 2.072×/,
    );
    expect(
      machineSpeedLine(machineSpeedMark({ bCpuUsPerRequest: null, rate: 90, bFullLoadRps: null, processor: REFERENCE_PROCESSOR })),
    ).toMatch(/^ {2}the machine: not compared with the reference \(B's CPU per request not compared .*; B's full load not measured\)$/);
  });
});
