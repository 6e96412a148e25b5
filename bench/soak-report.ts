import type { AuditCheck } from "./soak-audit.js";
import { SOAK_CLASSES, type SoakClass } from "./soak-classes.js";
import type { MemoryTrend } from "./soak-trend.js";
import { percentile } from "./stats.js";

/** One request of the soak, once settled. */
export interface SoakRecord {
  /** Its place in the schedule: it was due at i / rate seconds. */
  i: number;
  cls: SoakClass;
  kind: string;
  /** From its scheduled send time to the end of its answer (ms); null when no answer came (network error, timeout). */
  latency_ms: number | null;
  /** What differed from its kind's expectation; null when it was answered as expected. */
  error: string | null;
  /** The answer's x-request-id, by which its audit event is found. */
  request_id: string | null;
}

/** A reading of the gateway, at minutes since the first request was due. */
export interface SoakSample {
  minute: number;
  rss_mb: number;
  cpu_s: number;
}

export interface Tally {
  requests: number;
  errors: number;
  error_rate: number;
  p50_ms: number;
  p99_ms: number;
}

export interface MinuteRow extends Tally {
  minute: number;
  by_class: Record<SoakClass, Tally>;
  /** The median of the gateway's RSS samples in that minute (MiB), and the cores it used. */
  rss_mb: number;
  gateway_cores: number;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Requests, errors and latency (of the answered ones) of some records. */
export function tally(records: readonly SoakRecord[]): Tally {
  const latencies = records.flatMap((r) => (r.latency_ms === null ? [] : [r.latency_ms])).sort((a, b) => a - b);
  const errors = records.filter((r) => r.error !== null).length;
  return {
    requests: records.length,
    errors,
    error_rate: records.length ? round(errors / records.length, 5) : 0,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
  };
}

export const byClass = (records: readonly SoakRecord[]): Record<SoakClass, Tally> =>
  Object.fromEntries(SOAK_CLASSES.map((cls) => [cls, tally(records.filter((r) => r.cls === cls))])) as Record<SoakClass, Tally>;

/** Each minute of the run, requests placed by when they were due, samples by when they were read. */
export function minuteRows(records: readonly SoakRecord[], samples: readonly SoakSample[], rate: number): MinuteRow[] {
  const last = records.reduce((max, r) => Math.max(max, r.i), -1);
  const minutes = last < 0 ? 0 : Math.floor(last / rate / 60) + 1;
  return Array.from({ length: minutes }, (_, minute) => {
    const inMinute = records.filter((r) => Math.floor(r.i / rate / 60) === minute);
    const read = samples.filter((s) => Math.floor(s.minute) === minute);
    const rss = read.map((s) => s.rss_mb).sort((a, b) => a - b);
    const first = read[0];
    const last = read.at(-1);
    const cores =
      first && last && last.minute > first.minute ? (last.cpu_s - first.cpu_s) / ((last.minute - first.minute) * 60) : Number.NaN;
    return {
      minute: minute + 1,
      ...tally(inMinute),
      by_class: byClass(inMinute),
      rss_mb: rss.length ? rss[Math.floor(rss.length / 2)]! : Number.NaN,
      gateway_cores: round(cores, 3),
    };
  });
}

/** How often each difference from the expectation was seen, per kind of request, most frequent first. */
export function errorReasons(records: readonly SoakRecord[]): Array<{ kind: string; error: string; count: number }> {
  const counts = new Map<string, { kind: string; error: string; count: number }>();
  for (const r of records) {
    if (r.error === null) continue;
    const key = `${r.kind}\u0000${r.error}`;
    const entry = counts.get(key) ?? { kind: r.kind, error: r.error, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

export interface SoakSummaryInput {
  rate: number;
  seconds: number;
  overall: Tally;
  by_class: Record<SoakClass, Tally>;
  minutes: MinuteRow[];
  memory: MemoryTrend & { start_mb: number; end_mb: number; peak_mb: number };
  audit: AuditCheck;
}

const pct = (rate: number) => `${round(rate * 100, 3)}%`;

/** The soak's result in a few readable lines and a table per minute. */
export function soakSummary(s: SoakSummaryInput): string {
  const classes = SOAK_CLASSES.map(
    (cls) =>
      `  ${cls.padEnd(10)} ${String(s.by_class[cls].requests).padStart(7)} requests  errors ${pct(s.by_class[cls].error_rate).padStart(8)}  p50 ${s.by_class[cls].p50_ms} ms  p99 ${s.by_class[cls].p99_ms} ms`,
  );
  const header = ["min", "requests", "errors", ...SOAK_CLASSES.map((c) => `err ${c}`), "p50 ms", "p99 ms", "RSS MiB", "cores"];
  const rows = s.minutes.map((m) => [
    String(m.minute),
    String(m.requests),
    pct(m.error_rate),
    ...SOAK_CLASSES.map((c) => pct(m.by_class[c].error_rate)),
    String(m.p50_ms),
    String(m.p99_ms),
    String(m.rss_mb),
    String(m.gateway_cores),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]) => cells.map((c, col) => c.padStart(widths[col]!)).join("  ");
  const m = s.memory;
  const a = s.audit;
  const withoutId = Object.entries(a.answered_without_id)
    .map(([status, count]) => `${count} × ${status}`)
    .join(", ");
  return [
    `Soak: ${s.seconds} s at ${s.rate} requests/s (allowed, redacted, refused, bad tokens)`,
    `Overall: ${s.overall.requests} requests, ${s.overall.errors} errors (${pct(s.overall.error_rate)}), p50 ${s.overall.p50_ms} ms, p99 ${s.overall.p99_ms} ms (from each request's scheduled send time)`,
    ...classes,
    "",
    line(header),
    ...rows.map(line),
    "",
    `Gateway RSS: ${m.start_mb} MiB at the start, ${m.end_mb} at the end, peak ${m.peak_mb}; over minutes ${m.from_minute}–${m.to_minute} (${m.samples} samples): ${m.slope_mb_per_minute} MiB/min (standard error ${m.se_mb_per_minute}, block-bootstrap 95% [${m.ci95_mb_per_minute.join(", ")}]): ${m.verdict === "grows" ? "GROWS beyond noise" : m.verdict === "flat" ? "no growth beyond noise" : m.verdict}`,
    `Audit trail: ${a.operation_events} operation events (and ${a.flag_events} anomaly flags) for ${a.requests_sent} requests sent (the soak's and one probe of each kind); ${a.missing_events} answers without their event, ${a.mismatched_events} recorded with another result; ${withoutId || "no"} answers without x-request-id; ${a.unanswered} unanswered`,
    `Audit verifier (${a.verifier.seconds} s): exit ${a.verifier.status}, ${a.verifier.summary}`,
  ].join("\n");
}
