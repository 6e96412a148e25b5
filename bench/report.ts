import os from "node:os";
import { machineSpeedLine, machineSpeedMark } from "./machine-speed.js";
import type { MicroResult } from "./micro.js";
import { accepted, pairedValues } from "./pairing.js";
import { type Estimate, estimate, median } from "./stats.js";
import type { StrangerCheck } from "./stranger-watch.js";
import type { StrangerRule } from "./strangers.js";
import type { BenchVariant } from "./variants.js";
import type { WindowResult } from "./window.js";

export interface ReportInput {
  settings: object;
  queries: string[];
  variants: BenchVariant[];
  windows: WindowResult[];
  /** Paired CPU-per-request ratios by query, from the fixed-rate rounds. */
  cpuRatios: Record<string, Record<string, Estimate | null>>;
  /** Each Tearline variant's cache counters before and after the measured windows (null for other gateways). */
  cacheCounts: { before: Record<string, Record<string, number> | null>; after: Record<string, Record<string, number> | null> };
  /** VmHWM of each variant's process at the end (MiB); B and B-rewritten share one. */
  peaks: Record<string, number>;
  shape: Record<string, { fields: number; withheld: number }>;
  micro: MicroResult | null;
  /** bench/lock-cost.ts: the envelope (sign, verify) and, inside a subgraph, the shield and row-level security. */
  secondLock: object | null;
  startup: { cold_s: number; warm_s: number; warm_runs_s?: number[] } | null;
  /** The commit measured, and whether the tree had changes besides results (a run of uncommitted code says so). */
  commit?: { sha: string; dirty: boolean } | null;
  /** Checks for other processes on the benchmark's cores (bench/strangers.ts), from its start to its end. */
  strangers?: { rule: StrangerRule; checks: StrangerCheck[] };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function variantSummary(input: ReportInput, variant: string, query: string) {
  const mine = input.windows.filter((w) => w.variant === variant && w.query === query && accepted(w));
  const full = mine.filter((w) => w.kind === "full");
  const fixed = mine.filter((w) => w.kind === "fixed");
  const med = (ws: WindowResult[], pick: (w: WindowResult) => number | undefined) => {
    const values = ws.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length ? round2(median(values)) : null;
  };
  return {
    variant,
    query,
    rps: med(full, (w) => w.rps),
    rps_spread: full.length ? [Math.min(...full.map((w) => w.rps)), Math.max(...full.map((w) => w.rps))] : null,
    gateway_cores_full_load: med(full, (w) => w.gateway_cores),
    cpu_us_per_request: med(fixed, (w) => w.cpu_us_per_request),
    fixed_rate_p50_ms: med(fixed, (w) => w.p50_ms),
    fixed_rate_p90_ms: med(fixed, (w) => w.p90_ms),
    fixed_rate_p99_ms: med(fixed, (w) => w.p99_ms),
    schedule_slip_p99_ms: med(fixed, (w) => w.slip_p99_ms),
    rss_mb: med(fixed.length ? fixed : full, (w) => w.rss_mb),
    peak_rss_mb: input.peaks[variant] ?? null,
    fetches_per_request: med(mine, (w) => w.fetches_per_request),
    windows: {
      accepted: mine.length,
      rejected: input.windows.filter((w) => w.variant === variant && w.query === query && !accepted(w)).length,
    },
  };
}

function cacheDelta(input: ReportInput, variant: string) {
  const before = input.cacheCounts.before[variant];
  const after = input.cacheCounts.after[variant];
  if (!before || !after) return null;
  return Object.fromEntries(Object.keys(after).map((key) => [key, (after[key] ?? 0) - (before[key] ?? 0)]));
}

/** The query the headline figures (cpu_ratios, latency_delta_ms, the paired RSS) are of: the typical one when measured. */
export const headlineQuery = (queries: readonly string[]): string | undefined => (queries.includes("typical") ? "typical" : queries[0]);

/** The committed result: the output contract, plus every window so that any figure can be recomputed. */
export function buildReport(input: ReportInput) {
  const names = input.variants.map((v) => v.name);
  const summaries = input.queries.flatMap((q) => names.map((v) => variantSummary(input, v, q)));
  const summary = (variant: string, query: string) => summaries.find((s) => s.variant === variant && s.query === query);
  const throughput = (query: string, pair: [string, string]) =>
    estimate(pairedValues(input.windows, "full", query, pair, (t, b) => t.rps / b.rps));
  const latency = (query: string, key: "p50_ms" | "p90_ms" | "p99_ms") =>
    estimate(
      pairedValues(input.windows, "fixed", query, ["T-allow", "B"], (t, b) => t[key]! - b[key]!),
      2,
    );
  const legacyRatios = (query: string) => {
    const ratio = (t: string, b: string) => throughput(query, [t, b])?.median ?? null;
    const rss = (t: string, b: string) => {
      const [x, y] = [summary(t, query)?.rss_mb, summary(b, query)?.rss_mb];
      return x && y ? round2(x / y) : null;
    };
    return {
      "T-allow/B": ratio("T-allow", "B"),
      "T-redact/B": ratio("T-redact", "B"),
      "T-redact/B-rewritten": ratio("T-redact", "B-rewritten"),
      "T-tokens/B": ratio("T-tokens", "B"),
      "T-attrs/B": ratio("T-attrs", "B"),
      "T-allow/H": ratio("T-allow", "H"),
      "T-full/B": ratio("T-full", "B"),
      "T-full/H": ratio("T-full", "H"),
      "p99-delta-ms-fixed-rate": latency(query, "p99_ms")?.median ?? null,
      "RSS T-allow/B": rss("T-allow", "B"),
      "B/B-untuned": ratio("B", "B-untuned"),
    };
  };
  const typical = headlineQuery(input.queries)!;
  const tAllowRss = summary("T-allow", typical)?.rss_mb;
  const b = summary("B", typical);
  const bRss = b?.rss_mb;
  const machineNow = machine();
  return {
    generated_at: new Date().toISOString(),
    commit: input.commit ?? null,
    machine: machineNow,
    machine_speed: machineSpeedMark({
      bCpuUsPerRequest: b?.cpu_us_per_request,
      rate: (input.settings as { fixed_rates?: Record<string, number> }).fixed_rates?.[typical],
      bFullLoadRps: b?.rps,
      processor: machineNow.cpus,
    }),
    other_processes: input.strangers
      ? {
          rule: input.strangers.rule,
          checks: input.strangers.checks.length,
          // Only the checks that found one; none_seen is what a reader of the figures needs first.
          seen: input.strangers.checks.filter((c) => c.strangers.length > 0),
          none_seen: input.strangers.checks.every((c) => c.strangers.length === 0),
        }
      : null,
    settings: input.settings,
    variant_descriptions: Object.fromEntries(input.variants.map((v) => [v.name, v.description])),
    // Headline: gateway CPU time per answered request at one fixed rate, paired within rounds, median with bootstrap 95% interval.
    cpu_ratios: input.cpuRatios[typical] ?? {},
    cpu_ratios_by_query: input.cpuRatios,
    throughput_ratios: { "T-allow/H": throughput(typical, ["T-allow", "H"]), "T-full/H": throughput(typical, ["T-full", "H"]) },
    latency_delta_ms: {
      p50: latency(typical, "p50_ms"),
      p90: latency(typical, "p90_ms"),
      p99_information_only: latency(typical, "p99_ms"),
    },
    rss_ratio: { "T-allow/B": tAllowRss && bRss ? round2(tAllowRss / bRss) : null },
    // The same, round by round with its interval: a heap's size at a moment depends on when V8 last collected, so one
    // ratio of medians can move a lot between runs.
    rss_ratio_paired: {
      "T-allow/B": estimate(pairedValues(input.windows, "fixed", typical, ["T-allow", "B"], (t, b) => t.rss_mb / b.rss_mb)),
    },
    startup_s: input.startup ? { cold: input.startup.cold_s, warm: input.startup.warm_s } : null,
    fetches_per_request: Object.fromEntries(
      names.map((v) => [v, Object.fromEntries(input.queries.map((q) => [q, summary(v, q)?.fetches_per_request]))]),
    ),
    token_cache_hits: Object.fromEntries(names.map((v) => [v, cacheDelta(input, v)])),
    not_measured: {
      "second lock":
        "The subgraph side of the lock (envelope verification, shield, row-level security) runs on core 1: it is reported in second_lock, not in the gateway's CPU",
    },
    ratios: legacyRatios(typical),
    ratios_by_query: Object.fromEntries(input.queries.map((q) => [q, legacyRatios(q)])),
    variants: summaries,
    response_shape: input.shape,
    subgraphs: {
      core1_busy_median_fixed_rate: round2(median(input.windows.filter((w) => w.kind === "fixed").map((w) => w.core1_busy))),
      core1_busy_max_fixed_rate: Math.max(0, ...input.windows.filter((w) => w.kind === "fixed").map((w) => w.core1_busy)),
      steal_max: Math.max(0, ...input.windows.map((w) => w.steal)),
    },
    micro: input.micro,
    second_lock: input.secondLock,
    startup: input.startup,
    windows: input.windows,
  };
}

export type Report = ReturnType<typeof buildReport>;

export function machine() {
  return {
    cpus: os.cpus().map((cpu) => cpu.model)[0],
    cores: os.cpus().length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** An estimate as the terminal shows it: median [interval] n=pairs, or "-". */
export const interval = (e: Estimate | null | undefined) => (e ? `${e.median} [${e.ci95[0]}, ${e.ci95[1]}] n=${e.pairs}` : "-");

/** The terminal summary: one row per variant × query, then the paired ratios. */
export function table(report: Report): string {
  const header = ["query", "variant", "rps", "CPU µs/req", "p50", "p90", "p99", "RSS MB", "peak MB", "fetches/req"];
  const rows = report.variants.map((r) =>
    [
      r.query,
      r.variant,
      r.rps,
      r.cpu_us_per_request,
      r.fixed_rate_p50_ms,
      r.fixed_rate_p90_ms,
      r.fixed_rate_p99_ms,
      r.rss_mb,
      r.peak_rss_mb,
      r.fetches_per_request,
    ].map((cell) => `${cell ?? "-"}`),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  const ratios = Object.entries(report.cpu_ratios).map(([name, e]) => `  CPU/req ${name}: ${interval(e)}`);
  const others = [
    `  throughput T-allow/H: ${interval(report.throughput_ratios["T-allow/H"])}; T-full/H: ${interval(report.throughput_ratios["T-full/H"])}`,
    `  latency T-allow − B (ms) p50: ${interval(report.latency_delta_ms.p50)}; p90: ${interval(report.latency_delta_ms.p90)}`,
    `  RSS T-allow/B: ${report.rss_ratio["T-allow/B"]} (paired ${JSON.stringify(report.rss_ratio_paired["T-allow/B"])}); cache counts: ${JSON.stringify(report.token_cache_hits)}`,
  ];
  const strangers = report.other_processes;
  const seen = strangers
    ? strangers.none_seen
      ? `  other processes on the measured cores: none seen in ${strangers.checks} checks`
      : `  OTHER PROCESSES ON THE MEASURED CORES in ${strangers.seen.length} of ${strangers.checks} checks: the figures are not clean`
    : "  other processes on the measured cores: not checked";
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    ...ratios,
    ...others,
    seen,
    machineSpeedLine(report.machine_speed),
  ].join("\n");
}
