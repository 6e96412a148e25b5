import os from "node:os";

export interface Run {
  round: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  failures: number;
  half_load?: { rate: number; p50_ms: number; p99_ms: number; failures: number };
}

export interface VariantResult {
  variant: string;
  query: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  half_load_p50_ms: number | null;
  half_load_p99_ms: number | null;
  rss_mb: number;
  /** Slowest and fastest run, so that noise is visible. */
  rps_spread: [number, number];
  runs: Run[];
}

const median = (values: number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Medians over the repeated runs of one variant × query. */
export function summarise(variant: string, query: string, runs: Run[], rss_mb: number): VariantResult {
  const half = runs.flatMap((r) => (r.half_load ? [r.half_load] : []));
  return {
    variant,
    query,
    rps: round2(median(runs.map((r) => r.rps))),
    p50_ms: round2(median(runs.map((r) => r.p50_ms))),
    p99_ms: round2(median(runs.map((r) => r.p99_ms))),
    half_load_p50_ms: half.length ? round2(median(half.map((h) => h.p50_ms))) : null,
    half_load_p99_ms: half.length ? round2(median(half.map((h) => h.p99_ms))) : null,
    rss_mb,
    rps_spread: [round2(Math.min(...runs.map((r) => r.rps))), round2(Math.max(...runs.map((r) => r.rps)))],
    runs,
  };
}

/** The ratios the issue asks for, over one query's results. */
export function ratios(results: VariantResult[], query: string): Record<string, number | null> {
  const of = (variant: string) => results.find((r) => r.variant === variant && r.query === query);
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? round2(a / b) : null);
  const tAllow = of("T-allow");
  const b = of("B");
  const delta =
    tAllow?.half_load_p99_ms != null && b?.half_load_p99_ms != null ? round2(tAllow.half_load_p99_ms - b.half_load_p99_ms) : null;
  return {
    "T-allow/B": ratio(tAllow?.rps, b?.rps),
    "T-redact/B": ratio(of("T-redact")?.rps, b?.rps),
    "T-tokens/B": ratio(of("T-tokens")?.rps, b?.rps),
    "T-attrs/B": ratio(of("T-attrs")?.rps, b?.rps),
    "T-allow/H": ratio(tAllow?.rps, of("H")?.rps),
    "p99-delta-ms-half-load": delta,
    "RSS T-allow/B": ratio(tAllow?.rss_mb, b?.rss_mb),
    "B/B-untuned": ratio(b?.rps, of("B-untuned")?.rps),
  };
}

export function machine() {
  return {
    cpus: os.cpus().map((cpu) => cpu.model)[0],
    cores: os.cpus().length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The terminal table: one row per variant × query. */
export function table(results: VariantResult[]): string {
  const header = ["query", "variant", "rps (min–max)", "p50", "p99", "½-load p50", "½-load p99", "RSS MB"];
  const rows = results.map((r) => [
    r.query,
    r.variant,
    `${r.rps} (${r.rps_spread[0]}–${r.rps_spread[1]})`,
    `${r.p50_ms}`,
    `${r.p99_ms}`,
    `${r.half_load_p50_ms ?? "-"}`,
    `${r.half_load_p99_ms ?? "-"}`,
    `${r.rss_mb}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
