// How fast was the machine under a run, and was it the reference machine at all? The same code has used from about
// 1,900 to 3,600 µs of CPU per typical request in B, and every T/B ratio rose as B slowed (2026-12-05: T-full/B
// 1.66–1.73 on the reference machine, 1.93–2.04 when B needed half as much again). The runs that slowed were on
// another processor (an Intel Xeon) than the reference runs (an AMD EPYC), and B's full load there ranged from 370 to
// 802 requests a second over one day. A run therefore names its processor and says how B compared with a recorded
// reference, so that nobody reads another machine's ratios as a change of code.

import { round } from "./stats.js";

/** The reference machine's processor, as `os.cpus()[0].model` named it in the committed runs of a2206bc. */
export const REFERENCE_PROCESSOR = "AMD EPYC";
/**
 * B's CPU per typical request at the fixed rate of 90/s in the committed runs of a2206bc (2,166.7 and 1,888.9 µs),
 * on the reference machine: 2 cores of an AMD EPYC under Firecracker, at most 0.3% stolen.
 */
export const REFERENCE_B_CPU_US = 2028;
/** The fixed rate the reference was measured at: CPU per request depends on the rate (bench/rate.ts). */
export const REFERENCE_RATE = 90;
/**
 * B's full load on the typical query in the same runs (758.45 and 777.05 requests a second). Unlike CPU per request
 * it does not depend on the fixed rate, so it compares a run whose rate was lowered (bench/rate.ts) too.
 */
export const REFERENCE_B_FULL_LOAD_RPS = 768;
/** B above this multiple of the reference (either measure): the run's machine counts as slower, and its ratios as not comparable. */
export const SLOWER_AT = 1.15;

export interface MachineSpeedMark {
  /** The run's processor (`os.cpus()[0].model`); null when not recorded. */
  processor: string | null;
  reference_processor: string;
  /** False when the run's processor is not the reference's: its ratios are another machine's. */
  same_processor: boolean | null;
  b_cpu_us_per_request: number | null;
  reference_us: number;
  /** B's CPU per request over the reference; null when B or the reference rate was not measured. */
  ratio: number | null;
  b_full_load_rps: number | null;
  reference_full_load_rps: number;
  /** The reference's full load over B's (above 1: slower), at any fixed rate; null when B's full load was not measured. */
  full_load_ratio: number | null;
  /** True when B needed more than SLOWER_AT times the reference by either measure; null when neither is known. */
  slower: boolean | null;
}

export interface MachineSpeedInput {
  /** B's CPU per typical request at the fixed rate. */
  bCpuUsPerRequest: number | null | undefined;
  /** The typical query's fixed rate in the run, requests a second. */
  rate: number | undefined;
  /** B's full-load throughput on the typical query. */
  bFullLoadRps: number | null | undefined;
  processor: string | null | undefined;
}

const positive = (value: number | null | undefined): value is number => typeof value === "number" && value > 0;

/** The mark for a run's machine, from what B did on the typical query. */
export function machineSpeedMark({ bCpuUsPerRequest, rate, bFullLoadRps, processor }: MachineSpeedInput): MachineSpeedMark {
  const ratio = positive(bCpuUsPerRequest) && rate === REFERENCE_RATE ? round(bCpuUsPerRequest / REFERENCE_B_CPU_US, 3) : null;
  const fullLoadRatio = positive(bFullLoadRps) ? round(REFERENCE_B_FULL_LOAD_RPS / bFullLoadRps, 3) : null;
  const known = [ratio, fullLoadRatio].filter((value) => value !== null);
  return {
    processor: processor ?? null,
    reference_processor: REFERENCE_PROCESSOR,
    same_processor: processor ? processor === REFERENCE_PROCESSOR : null,
    b_cpu_us_per_request: bCpuUsPerRequest ?? null,
    reference_us: REFERENCE_B_CPU_US,
    ratio,
    b_full_load_rps: bFullLoadRps ?? null,
    reference_full_load_rps: REFERENCE_B_FULL_LOAD_RPS,
    full_load_ratio: fullLoadRatio,
    slower: known.length === 0 ? null : known.some((value) => value > SLOWER_AT),
  };
}

/** The report's line on it. */
export function machineSpeedLine(mark: MachineSpeedMark): string {
  const figures = [
    mark.ratio === null
      ? `B's CPU per request not compared (not measured at ${REFERENCE_RATE}/s on the typical query)`
      : `B used ${mark.b_cpu_us_per_request} µs per typical request, ${mark.ratio}× the reference machine's ${mark.reference_us}`,
    mark.full_load_ratio === null
      ? "B's full load not measured"
      : `B's full load ${mark.b_full_load_rps} requests/s, the reference machine's ${mark.reference_full_load_rps} over it: ${mark.full_load_ratio}×`,
  ].join("; ");
  const differences = [
    mark.same_processor === false ? `another processor (${mark.processor}) than the reference's (${mark.reference_processor})` : "",
    mark.slower ? `slower by more than ${SLOWER_AT}×` : "",
  ].filter((difference) => difference !== "");
  if (differences.length > 0)
    return `  THE MACHINE DIFFERS FROM THE REFERENCE (${differences.join("; ")}): ${figures}; T/B ratios rise on a slower machine: compare them only with runs on the same processor at about the same speed`;
  if (mark.slower === null) return `  the machine: not compared with the reference (${figures})`;
  return `  the machine: ${figures} (within ${SLOWER_AT}×)`;
}
