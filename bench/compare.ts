// Do two full runs agree? `npm run bench:compare [first.json second.json]` (default: bench/results/previous.json and
// latest.json) puts every headline estimate of the two side by side and says, for each, whether each run's median
// lies within the other's 95% interval ("agree"), whether the intervals only overlap, or whether they differ; and
// whether both runs were of one commit, with nothing uncommitted, and at the same fixed rates.
import { type Estimate, relativeHalfWidth } from "./stats.js";

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

const halfWidth = (e: Estimate | null) => (e && e.median !== 0 ? Math.round(relativeHalfWidth(e) * 1000) / 1000 : null);

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
  // CPU per request depends on the rate (bench/rate.ts): ratios of runs at different fixed rates are not comparable.
  const [ratesA, ratesB] = [first.settings?.fixed_rates, second.settings?.fixed_rates];
  const sameRates =
    ratesA && ratesB
      ? Object.keys(ratesA).length === Object.keys(ratesB).length && Object.entries(ratesA).every(([query, rate]) => ratesB[query] === rate)
      : null;
  // True when both runs were checked and neither saw another process on its cores; null when one was not checked.
  const clean =
    first.other_processes && second.other_processes ? first.other_processes.none_seen && second.other_processes.none_seen : null;
  return { sameCommit, sameRates, clean, rows };
}
