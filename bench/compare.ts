// Do two full runs agree? `npm run bench:compare [first.json second.json]` (default: bench/results/previous.json and
// latest.json) puts every headline estimate of the two side by side and says, for each, whether each run's median
// lies within the other's 95% interval ("agree"), whether the intervals only overlap, or whether they differ; and
// whether both runs were of one commit, with nothing uncommitted, at the same fixed rates, with nothing else on their
// cores, and on the same processor at about the same speed.
import type { MachineSpeedMark } from "./machine-speed.js";
import { headlineQuery } from "./report.js";
import { type Estimate, relativeHalfWidth, round } from "./stats.js";

export type Agreement = "agree" | "overlap only" | "differ" | "not in both";

/** Each median within the other's interval: "agree". Intervals that share a part without that: "overlap only". */
export function agreement(a: Estimate | null | undefined, b: Estimate | null | undefined): Agreement {
  if (!a || !b) return "not in both";
  const within = (value: number, e: Estimate) => value >= e.ci95[0] && value <= e.ci95[1];
  if (within(a.median, b) && within(b.median, a)) return "agree";
  return a.ci95[0] <= b.ci95[1] && b.ci95[0] <= a.ci95[1] ? "overlap only" : "differ";
}

/** The parts of a report the comparison reads. */
export interface ComparedReport {
  generated_at: string;
  commit?: { sha: string; dirty: boolean } | null;
  cpu_ratios: Record<string, Estimate | null>;
  throughput_ratios: Record<string, Estimate | null>;
  latency_delta_ms: Record<string, Estimate | null>;
  rss_ratio_paired?: Record<string, Estimate | null>;
  settings?: { fixed_rates?: Record<string, number> };
  /** Other processes on the measured cores (bench/strangers.ts); absent in reports made before the check. */
  other_processes?: { none_seen: boolean } | null;
  variants?: ReadonlyArray<{ variant: string; query: string; rps: number | null; cpu_us_per_request: number | null }>;
  subgraphs?: { steal_max?: number };
  /** B against the reference machine (bench/machine-speed.ts); absent in reports made before it. */
  machine_speed?: MachineSpeedMark | null;
  /** The run's machine; `cpus` is the processor's model. */
  machine?: { cpus?: string } | null;
}

/**
 * Two runs' machine as B saw it: its full-load throughput and CPU per request on the typical query, and the most the
 * hypervisor stole in any window. The same code has ranged from 336 to 905 requests a second for B, on an AMD EPYC
 * and then an Intel Xeon.
 */
export interface MachineSpeed {
  /** Each run's processor model; null where not recorded. */
  processors: [string | null, string | null];
  /** Both runs on one processor model; null when one is not recorded. Ratios on another processor are another machine's. */
  same_processor: boolean | null;
  b_full_load_rps: [number | null, number | null];
  b_cpu_us_per_request: [number | null, number | null];
  steal_max: [number | null, number | null];
  /** B's CPU per typical request over the reference machine's (bench/machine-speed.ts), each run; null where not known. */
  against_reference: [number | null, number | null];
  /** B's speed within SAME_SPEED of each other's by `same_speed_by`; null when neither measure is in both runs. */
  same_speed: boolean | null;
  /**
   * B's CPU per typical request at the fixed rate when both runs measured it at one rate: the measure the headline
   * ratios are made of, over 30 or more windows. Otherwise B's full loads, which need no common rate but come from
   * two 2-second rounds each (one run's two were 543 and 833 requests a second).
   */
  same_speed_by: "CPU per request at the fixed rate" | "full load" | null;
}

/** The most B's speed may differ between two runs (as a ratio) for their machine to count as the same. */
export const SAME_SPEED = 1.15;

const within = (a: number | null, z: number | null): boolean | null => (a && z ? Math.max(a / z, z / a) <= SAME_SPEED : null);

function machineSpeed(first: ComparedReport, second: ComparedReport, sameHeadlineRate: boolean): MachineSpeed {
  const b = (report: ComparedReport) => report.variants?.find((v) => v.variant === "B" && v.query === "typical");
  const [a, z] = [b(first), b(second)];
  const [rpsA, rpsZ] = [a?.rps ?? null, z?.rps ?? null];
  const [usA, usZ] = [a?.cpu_us_per_request ?? null, z?.cpu_us_per_request ?? null];
  const [cpuA, cpuZ] = [first.machine?.cpus ?? null, second.machine?.cpus ?? null];
  const byCpu = sameHeadlineRate ? within(usA, usZ) : null;
  const byFullLoad = within(rpsA, rpsZ);
  return {
    processors: [cpuA, cpuZ],
    same_processor: cpuA && cpuZ ? cpuA === cpuZ : null,
    b_full_load_rps: [rpsA, rpsZ],
    b_cpu_us_per_request: [usA, usZ],
    steal_max: [first.subgraphs?.steal_max ?? null, second.subgraphs?.steal_max ?? null],
    against_reference: [first.machine_speed?.ratio ?? null, second.machine_speed?.ratio ?? null],
    same_speed: byCpu ?? byFullLoad,
    same_speed_by: byCpu !== null ? "CPU per request at the fixed rate" : byFullLoad !== null ? "full load" : null,
  };
}

/**
 * CPU per request depends on the rate (bench/rate.ts), so ratios of runs at different fixed rates are not comparable.
 * The headline figures are of one query, so they are judged on that query's rate alone; a rate lowered differently
 * for another query (on a slow machine, bench/rate.ts) makes only that query's tables incomparable.
 */
export interface FixedRates {
  headline: { query: string; rates: [number | null, number | null]; same: boolean };
  /** Other queries whose rate differs between the runs or was measured in one run only. */
  other_queries_differing: string[];
}

function fixedRates(a: Record<string, number> | undefined, b: Record<string, number> | undefined): FixedRates | null {
  if (!a || !b) return null;
  const queries = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const query = headlineQuery(queries);
  if (query === undefined) return null;
  const rate = (r: Record<string, number>, q: string) => (Object.hasOwn(r, q) ? (r[q] ?? null) : null);
  const same = (q: string) => rate(a, q) !== null && rate(a, q) === rate(b, q);
  return {
    headline: { query, rates: [rate(a, query), rate(b, query)], same: same(query) },
    other_queries_differing: queries.filter((q) => q !== query && !same(q)),
  };
}

export interface ComparedRow {
  figure: string;
  first: Estimate | null;
  second: Estimate | null;
  agreement: Agreement;
  /** Each run's half-width over its median (the issue asks for at most 5%); null where there is no estimate. */
  half_widths: [number | null, number | null];
}

const headline = (report: ComparedReport): Record<string, Estimate | null> => ({
  ...Object.fromEntries(Object.entries(report.cpu_ratios).map(([name, e]) => [`CPU ${name}`, e])),
  ...Object.fromEntries(Object.entries(report.throughput_ratios).map(([name, e]) => [`throughput ${name}`, e])),
  ...Object.fromEntries(Object.entries(report.latency_delta_ms).map(([name, e]) => [`latency delta ${name} (ms)`, e])),
  ...Object.fromEntries(Object.entries(report.rss_ratio_paired ?? {}).map(([name, e]) => [`RSS ${name} (paired)`, e])),
});

const halfWidth = (e: Estimate | null) => (e && e.median !== 0 ? round(relativeHalfWidth(e), 3) : null);

export function compareReports(first: ComparedReport, second: ComparedReport) {
  const [a, b] = [headline(first), headline(second)];
  const rows: ComparedRow[] = [...new Set([...Object.keys(a), ...Object.keys(b)])].map((figure) => ({
    figure,
    first: a[figure] ?? null,
    second: b[figure] ?? null,
    agreement: agreement(a[figure], b[figure]),
    half_widths: [halfWidth(a[figure] ?? null), halfWidth(b[figure] ?? null)],
  }));
  const sameCommit =
    first.commit && second.commit ? first.commit.sha === second.commit.sha && !first.commit.dirty && !second.commit.dirty : null;
  const rates = fixedRates(first.settings?.fixed_rates, second.settings?.fixed_rates);
  // True when both runs were checked and neither saw another process on its cores; null when one was not checked.
  const clean =
    first.other_processes && second.other_processes ? first.other_processes.none_seen && second.other_processes.none_seen : null;
  return { sameCommit, rates, clean, machine: machineSpeed(first, second, rates?.headline.same ?? false), rows };
}
