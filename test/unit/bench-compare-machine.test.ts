import { describe, expect, it } from "vitest";
import { compareReports } from "../../bench/compare.js";

const report = (bRps: number | null, steal?: number, againstReference?: number) => ({
  generated_at: "2026-12-05T00:00:00.000Z",
  cpu_ratios: {},
  throughput_ratios: {},
  latency_delta_ms: {},
  variants: [
    { variant: "B", query: "small", rps: 2000, cpu_us_per_request: 900 },
    { variant: "T-allow", query: "typical", rps: 700, cpu_us_per_request: 2300 },
    { variant: "B", query: "typical", rps: bRps, cpu_us_per_request: 1900 },
  ],
  ...(steal === undefined ? {} : { subgraphs: { steal_max: steal } }),
  ...(againstReference === undefined
    ? {}
    : { machine_speed: { b_cpu_us_per_request: 1900, reference_us: 2028, ratio: againstReference, slower: againstReference > 1.15 } }),
});

describe("comparing two runs' machines", () => {
  it("reads B's full load and CPU per request on the typical query, and each run's most stolen time", () => {
    expect(compareReports(report(800, 0.02), report(760, 0.24, 1.381)).machine).toEqual({
      b_full_load_rps: [800, 760],
      b_cpu_us_per_request: [1900, 1900],
      steal_max: [0.02, 0.24],
      against_reference: [null, 1.381],
      same_speed: true,
    });
  });

  it("calls the machine the same speed only while B's full loads are within 1.15× of each other, either way", () => {
    expect(compareReports(report(800), report(800 / 1.15 + 0.1)).machine.same_speed).toBe(true);
    expect(compareReports(report(800), report(800 / 1.15 - 1)).machine.same_speed).toBe(false);
    expect(compareReports(report(456), report(802)).machine.same_speed).toBe(false);
    expect(compareReports(report(null), report(802)).machine.same_speed).toBeNull();
    const { variants: _, ...withoutVariants } = report(800);
    expect(compareReports(withoutVariants, report(802)).machine).toMatchObject({ b_full_load_rps: [null, 802], same_speed: null });
  });
});
