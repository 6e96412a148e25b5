import { describe, expect, it } from "vitest";
import { compareReports } from "../../bench/compare.js";
import { machineSpeedMark } from "../../bench/machine-speed.js";

const report = (bRps: number | null, steal?: number, bCpuAt90?: number, processor?: string) => ({
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
  ...(bCpuAt90 === undefined
    ? {}
    : { machine_speed: machineSpeedMark({ bCpuUsPerRequest: bCpuAt90, rate: 90, bFullLoadRps: bRps, processor }) }),
  ...(processor === undefined ? {} : { machine: { cpus: processor } }),
});

describe("comparing two runs' machines", () => {
  it("reads B's full load and CPU per request on the typical query, and each run's most stolen time", () => {
    expect(compareReports(report(800, 0.02), report(760, 0.24, 2800.7, "AMD EPYC")).machine).toEqual({
      processors: [null, "AMD EPYC"],
      same_processor: null,
      b_full_load_rps: [800, 760],
      b_cpu_us_per_request: [1900, 1900],
      steal_max: [0.02, 0.24],
      against_reference: [null, 1.381],
      same_speed: true,
      same_speed_by: "full load",
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

  it("says whether both runs were on one processor model", () => {
    // The committed runs of a2206bc, and this session's run of 6ce4449 on the Xeon.
    const amd = report(777.05, 0.003, 1888.9, "AMD EPYC");
    const xeon = report(370.65, 0.003, 3571.4, "Intel(R) Xeon(R) Processor");
    expect(compareReports(amd, xeon).machine).toMatchObject({
      processors: ["AMD EPYC", "Intel(R) Xeon(R) Processor"],
      same_processor: false,
    });
    expect(compareReports(xeon, report(380, 0, 3111.1, "Intel(R) Xeon(R) Processor")).machine.same_processor).toBe(true);
    expect(compareReports(report(800), xeon).machine.same_processor).toBeNull();
  });

  it("judges the speed by B's CPU per request when both runs had one headline rate, else by its full loads", () => {
    // This session's committed runs H and I of 6ce4449: B's full loads 688 and 472 (two rounds each, 543 and 833 in H), its CPU
    // per typical request at 90/s 3,111 and 3,056 µs.
    const at = (rate: number, bRps: number, bCpu: number) => {
      const run = report(bRps);
      return {
        ...run,
        settings: { fixed_rates: { typical: rate } },
        variants: run.variants.map((v) => (v.variant === "B" && v.query === "typical" ? { ...v, cpu_us_per_request: bCpu } : v)),
      };
    };
    expect(compareReports(at(90, 687.95, 3111.1), at(90, 472.2, 3055.6)).machine).toMatchObject({
      same_speed: true,
      same_speed_by: "CPU per request at the fixed rate",
    });
    expect(compareReports(at(90, 700, 2000), at(90, 700, 2000 * 1.15 + 1)).machine).toMatchObject({
      same_speed: false,
      same_speed_by: "CPU per request at the fixed rate",
    });
    // At different rates CPU per request is not comparable: the full loads decide.
    expect(compareReports(at(77, 370.65, 3571.4), at(90, 687.95, 3111.1)).machine).toMatchObject({
      same_speed: false,
      same_speed_by: "full load",
    });
    expect(compareReports(at(90, 0, 0), at(90, 0, 0)).machine).toMatchObject({ same_speed: null, same_speed_by: null });
  });
});
