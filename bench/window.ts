import { measureFixedRate } from "./fixed-rate.js";
import { measureLoad } from "./load.js";
import { coreTimes, coreUse, cpuSeconds, rssMb, sampleProcess } from "./proc.js";
import { percentile } from "./stats.js";

/** One gateway configuration under test, and what it is sent. */
export interface Variant {
  name: string;
  url: string;
  /** The gateway's process: resumed for its own windows, stopped (SIGSTOP) during everyone else's. */
  pid: number;
  /** The request body for a query (B-rewritten sends B what Tearline's planner left of it). */
  body(query: string): string;
  /** Headers for the next request (tokens rotate); empty for gateways without authentication. */
  headers(): Record<string, string>;
}

export type Load = { kind: "fixed"; rate: number } | { kind: "full"; connections: number };

export interface WindowResult {
  variant: string;
  query: string;
  kind: Load["kind"];
  round: number;
  /** The variant's position in its round's order. */
  position: number;
  seconds: number;
  answered: number;
  failures: number;
  /** Gateway CPU (user + system, all threads) over the window, and per answered request (µs). */
  cpu_s: number;
  cpu_us_per_request: number;
  /** Cores the gateway used on average (CPU seconds over wall seconds). */
  gateway_cores: number;
  /** How busy core 1 (load generator, subgraphs, identity provider) was, and the machine's steal share. */
  core1_busy: number;
  steal: number;
  /** GraphQL requests the subgraphs received per answered request. */
  fetches_per_request: number;
  rps: number;
  /** Median of RSS samples taken every 200 ms during the window (MiB). */
  rss_mb: number;
  /** Fixed rate only: latency from the scheduled send time, and how late requests left. */
  p50_ms?: number;
  p90_ms?: number;
  p99_ms?: number;
  slip_p99_ms?: number;
  /** Why the window was repeated or not counted; empty when it was accepted. */
  rejected: string[];
}

export interface WindowOptions {
  variant: Variant;
  query: string;
  load: Load;
  seconds: number;
  /** Seconds of the same load before the measured part, after the process is resumed (connections, JIT). */
  warmSeconds: number;
  round: number;
  position: number;
  /** Total GraphQL requests the subgraphs have received so far. */
  subgraphRequests(): Promise<number>;
}

/** What makes a window untrustworthy; such a window is measured again. */
export interface Acceptance {
  /** At full load the gateway must use at least this share of its core, or something else limited it. */
  minGatewayCores: number;
  /** At the fixed rate core 1 must stay below this, or the load generator may have been late. */
  maxCore1Busy: number;
  maxSteal: number;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function drive(options: WindowOptions, seconds: number) {
  const { variant, query, load } = options;
  const common = { url: variant.url, body: variant.body(query), headers: () => variant.headers() };
  return load.kind === "fixed"
    ? measureFixedRate({ ...common, rate: load.rate, durationSeconds: seconds })
    : measureLoad({ ...common, connections: load.connections, durationSeconds: seconds });
}

/** Resumes the variant's gateway, warms it, measures one window, and stops the gateway again. */
export async function measureWindow(options: WindowOptions, acceptance: Acceptance): Promise<WindowResult> {
  const { variant, load } = options;
  process.kill(variant.pid, "SIGCONT");
  try {
    await drive(options, options.warmSeconds);
    const fetchesBefore = await options.subgraphRequests();
    const cpuBefore = cpuSeconds(variant.pid);
    const coresBefore = coreTimes();
    const started = performance.now();
    const sampler = sampleProcess(variant.pid, 200);
    const result = await drive(options, options.seconds);
    const rss = sampler.stop().map((sample) => sample.rss_mb);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(variant.pid) - cpuBefore;
    const use = coreUse(coresBefore, coreTimes(), 1);
    const fetches = (await options.subgraphRequests()) - fetchesBefore;
    const answered = "answered" in result ? result.answered : result.requests - result.failures;
    const latencies = "latencies_ms" in result ? result.latencies_ms : undefined;
    const window: WindowResult = {
      variant: variant.name,
      query: options.query,
      kind: load.kind,
      round: options.round,
      position: options.position,
      seconds: round(seconds, 3),
      answered,
      failures: result.failures,
      cpu_s: round(cpu),
      cpu_us_per_request: answered > 0 ? round((cpu / answered) * 1e6, 1) : Number.NaN,
      gateway_cores: round(cpu / seconds, 3),
      core1_busy: round(use.busy, 3),
      steal: round(use.steal, 4),
      fetches_per_request: answered > 0 ? round(fetches / answered, 3) : Number.NaN,
      rps: round(answered / seconds, 1),
      rss_mb: rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)] ?? rssMb(variant.pid),
      rejected: [],
    };
    if (latencies) {
      window.p50_ms = round(percentile(latencies, 50));
      window.p90_ms = round(percentile(latencies, 90));
      window.p99_ms = round(percentile(latencies, 99));
      window.slip_p99_ms = "slip_p99_ms" in result ? result.slip_p99_ms : undefined;
    }
    if (window.failures > 0) window.rejected.push(`${window.failures} failed requests`);
    if (window.steal > acceptance.maxSteal) window.rejected.push(`steal ${window.steal}`);
    if (load.kind === "full" && window.gateway_cores < acceptance.minGatewayCores)
      window.rejected.push(`gateway used ${window.gateway_cores} of a core at full load`);
    if (load.kind === "fixed" && window.core1_busy > acceptance.maxCore1Busy) window.rejected.push(`core 1 ${window.core1_busy} busy`);
    return window;
  } finally {
    await settle(variant.pid);
    process.kill(variant.pid, "SIGSTOP");
  }
}

/**
 * Waits (at most 3 s) until the gateway has gone quiet: autocannon ends a window with requests still in flight, and
 * a gateway stopped in the middle of a subgraph fetch finds that fetch past its deadline when it is resumed, much
 * later (a timeout, then its circuit breaker open: answers that cost next to nothing, in the next window).
 */
async function settle(pid: number): Promise<void> {
  const until = performance.now() + 3000;
  for (;;) {
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (cpuSeconds(pid) - before < 0.003 || performance.now() > until) return;
  }
}

/** Measures a window, and again (up to `attempts` in all) while it is rejected; the last one is returned either way. */
export async function acceptedWindow(
  options: WindowOptions,
  acceptance: Acceptance,
  attempts = 3,
): Promise<WindowResult & { attempts: number }> {
  let window = await measureWindow(options, acceptance);
  let attempt = 1;
  while (window.rejected.length > 0 && attempt < attempts) {
    attempt++;
    window = await measureWindow(options, acceptance);
  }
  return { ...window, attempts: attempt };
}
