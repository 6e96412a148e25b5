// How fast was the machine under a run? The same code on this project's machine has used from about 1,900 to
// 3,200 µs of CPU per typical request in B, and every T/B ratio rose as B slowed (2026-12-05: T-full/B 1.66–1.73 on
// the reference machine, 1.93–2.04 when B needed half as much again). A run therefore says how B's CPU per request
// compared with a recorded reference, so that nobody reads a slowed machine's ratios as a change of code.

/**
 * B's CPU per typical request at the fixed rate of 90/s in the committed runs of a2206bc (2,166.7 and 1,888.9 µs),
 * on the reference machine: 2 cores of an Intel Xeon under Firecracker, at most 0.3% stolen.
 */
export const REFERENCE_B_CPU_US = 2028;
/** The fixed rate the reference was measured at: CPU per request depends on the rate (bench/rate.ts). */
export const REFERENCE_RATE = 90;
/** B above this multiple of the reference: the run's machine counts as slower, and its ratios as not comparable. */
export const SLOWER_AT = 1.15;

export interface MachineSpeedMark {
  b_cpu_us_per_request: number | null;
  reference_us: number;
  /** B's CPU per request over the reference; null when B or the reference rate was not measured. */
  ratio: number | null;
  /** True when B needed more than SLOWER_AT times the reference; null when not known. */
  slower: boolean | null;
}

/** The mark for B's CPU per typical request in a run whose typical query was measured at `rate` requests a second. */
export function machineSpeedMark(bCpuUsPerRequest: number | null | undefined, rate: number | undefined): MachineSpeedMark {
  const known = typeof bCpuUsPerRequest === "number" && bCpuUsPerRequest > 0 && rate === REFERENCE_RATE;
  const ratio = known ? Math.round((bCpuUsPerRequest / REFERENCE_B_CPU_US) * 1000) / 1000 : null;
  return {
    b_cpu_us_per_request: bCpuUsPerRequest ?? null,
    reference_us: REFERENCE_B_CPU_US,
    ratio,
    slower: ratio === null ? null : ratio > SLOWER_AT,
  };
}

/** The report's line on it. */
export function machineSpeedLine(mark: MachineSpeedMark): string {
  if (mark.ratio === null)
    return `  the machine: not compared with the reference (B not measured, or not at ${REFERENCE_RATE}/s on the typical query)`;
  const figures = `B used ${mark.b_cpu_us_per_request} µs per typical request, ${mark.ratio}× the reference machine's ${mark.reference_us}`;
  return mark.slower
    ? `  THE MACHINE WAS SLOWER: ${figures}; T/B ratios rise on a slower machine: compare them only with runs on a machine of the same speed`
    : `  the machine: ${figures} (within ${SLOWER_AT}×)`;
}
