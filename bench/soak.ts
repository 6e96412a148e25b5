// `npm run bench:soak`: the whole stack, every feature on, under a steady mixed load for SOAK_SECONDS (default 10
// minutes): allowed, redacted and refused operations and bad tokens, each checked against what its kind must be
// answered. Reports the error rate, latency from each request's scheduled send time, the gateway's memory trend, and
// whether the audit trail holds one event per request. Not part of npm test nor of npm run bench.
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { gatewayJwksPath } from "../scripts/gateway-key/keys.js";
import { startBenchStack } from "./bench-stack.js";
import { atFixedRate } from "./fixed-rate.js";
import { counterTotals } from "./metrics.js";
import { pinSelfTo } from "./pin.js";
import { peakRssMb, rssMb, sampleProcess, threadCpuLists } from "./proc.js";
import { checkAudit, type SentRequest } from "./soak-audit.js";
import { soakCallers } from "./soak-callers.js";
import { classify, kindOf, SOAK_KINDS } from "./soak-classes.js";
import { byClass, errorReasons, minuteRows, type SoakRecord, type SoakSample, soakSummary, tally } from "./soak-report.js";
import { memoryTrend } from "./soak-trend.js";
import { percentile } from "./stats.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const log = (message: string) => console.error(`[soak] ${message}`);

// As in npm run bench: the load generator, the subgraphs and the identity provider on core 1, the gateway on core 0.
pinSelfTo("1", "the soak");

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const seconds = setting("SOAK_SECONDS", 600);
const subgraphs = process.env.SOAK_SUBGRAPHS ?? "memory";
if (subgraphs !== "memory" && subgraphs !== "database") throw new Error("SOAK_SUBGRAPHS must be memory or database");
const SETTINGS = {
  seconds,
  /**
   * Requests per second, every class together: about the benchmark's fixed rate for the typical query (90/s,
   * bench/rate.ts). With SOAK_SUBGRAPHS=database, the four subgraphs and
   * their databases share core 1 with the load generator and fall behind far sooner: give a rate of 10 or so.
   */
  rate: setting("SOAK_RATE", 100),
  /** Every 5 s; a short run more often, so that its second half still has samples enough for a trend. */
  sample_seconds: setting("SOAK_SAMPLE_SECONDS", Math.min(5, Math.max(1, seconds / 120))),
  timeout_ms: setting("SOAK_TIMEOUT_MS", 10_000),
  /** Callers (subjects) per token pool: cleared, lacking clearance, expired. */
  subjects: setting("SOAK_SUBJECTS", 8),
  /** A pool signs a fresh token for the slot just used every this many uses. */
  fresh_token_every: setting("SOAK_FRESH_TOKEN_EVERY", 50),
  token_ttl_seconds: 900,
  subgraphs,
  mix: "of every 8 requests: 4 allowed, 2 redacted, 1 refused, 1 bad token (each class's kinds in turn)",
  stack:
    "npm start's gateway and IdP, every feature on (audit file store, envelopes, agreements, revocation lists, default admission limits), on free ports and a fresh data folder; subgraphs in the benchmark's memory mode (envelopes verified on every request, answers remembered) or, with SOAK_SUBGRAPHS=database, npm start's own; gateway on core 0, everything else on core 1",
};

const keysDir = mkdtempSync(join(tmpdir(), "tearline-soak-keys-"));
log(
  `starting the subgraphs (${subgraphs === "memory" ? "memory mode" : "with their databases"}), the dev IdP and the gateway (every feature on)`,
);
const stack = await startBenchStack(keysDir, { subgraphs, admission: "default" });
process.on("exit", () => {
  for (const service of [stack.gateway, stack.idp, ...Object.values(stack.subgraphs)]) service.child.kill("SIGKILL");
  rmSync(keysDir, { recursive: true, force: true });
});
const pid = stack.gateway.child.pid!;
if (threadCpuLists(pid).join() !== "0") throw new Error("the gateway is not pinned to core 0 on every thread");
const auditDir = stack.gatewayEnv.AUDIT_DIR!;
const metricsUrl = new URL("/metrics", stack.gateway.url).href;

const callers = await soakCallers(keysDir, {
  subjects: SETTINGS.subjects,
  freshEvery: SETTINGS.fresh_token_every,
  ttlSeconds: SETTINGS.token_ttl_seconds,
});
const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
const sent: SentRequest[] = [];

/** One request of a kind, checked against its expectation; latency from `scheduled`. */
async function send(kindIndex: number, scheduled: number): Promise<Omit<SoakRecord, "i">> {
  const kind = SOAK_KINDS[kindIndex]!;
  const { headers, body } = callers.requests[kindIndex]!();
  const base = { cls: kind.class, kind: kind.id };
  try {
    const response = await request(stack.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      dispatcher: agent,
      signal: AbortSignal.timeout(SETTINGS.timeout_ms),
    });
    const text = await response.body.text();
    const latency = performance.now() - scheduled;
    const id = response.headers["x-request-id"];
    const requestId = typeof id === "string" ? id : null;
    sent.push({ request_id: requestId, status: response.statusCode, audit: kind.audit });
    return { ...base, latency_ms: latency, error: classify(kind.expect, response.statusCode, text), request_id: requestId };
  } catch (error) {
    sent.push({ request_id: null, status: null, audit: kind.audit });
    const name = (error as Error).name === "TimeoutError" ? "timeout" : ((error as NodeJS.ErrnoException).code ?? (error as Error).name);
    return { ...base, latency_ms: null, error: `no answer (${name})`, request_id: null };
  }
}

// Each kind once before anything counts: a harness that sends the wrong thing must not pass for a gateway error.
for (const [index, kind] of SOAK_KINDS.entries()) {
  const probe = await send(index, performance.now());
  if (probe.error !== null) throw new Error(`the ${kind.id} request (${kind.name}) is answered wrongly before the soak: ${probe.error}`);
}
const countersBefore = await counterTotals(metricsUrl);
const rssStart = rssMb(pid);

log(`${SETTINGS.seconds} s at ${SETTINGS.rate} requests/s; the gateway's RSS and CPU read every ${SETTINGS.sample_seconds} s`);
const records: SoakRecord[] = [];
let firstDue = Number.NaN;
const sampler = sampleProcess(pid, SETTINGS.sample_seconds * 1000);
const perMinute = SETTINGS.rate * 60;
let reported = 0;
const progress = setInterval(() => {
  const minute = reported++;
  const done = records.filter((r) => Math.floor(r.i / perMinute) === minute);
  const t = tally(done);
  const rss = sampler.samples.at(-1)?.rss_mb;
  log(`minute ${minute + 1}: ${t.requests} requests, ${t.errors} errors, p50 ${t.p50_ms} ms, p99 ${t.p99_ms} ms, RSS ${rss} MiB`);
}, 60_000);
const schedule = await atFixedRate(SETTINGS.rate, SETTINGS.seconds, async (i, scheduled) => {
  if (i === 0) firstDue = scheduled;
  records.push({ i, ...(await send(kindOf(i), scheduled)) });
});
clearInterval(progress);
const samples: SoakSample[] = sampler.stop().map((s) => ({
  minute: Math.max(0, (s.at_ms - firstDue) / 60_000),
  rss_mb: s.rss_mb,
  cpu_s: s.cpu_s,
}));
const countersAfter = await counterTotals(metricsUrl);
const peak = peakRssMb(pid);
const rssEnd = rssMb(pid);

log("stopping the gateway (its chain closes with a final checkpoint), then checking the audit trail");
await stack.gateway.stop();
const audit = await checkAudit(ROOT, auditDir, gatewayJwksPath(keysDir), sent);
await stack.stop();
await agent.close();

const runMinutes = SETTINGS.seconds / 60;
const trend = memoryTrend(samples, runMinutes);
const memory = { ...trend, start_mb: rssStart, end_mb: rssEnd, peak_mb: peak };
const slips = [...schedule.slips_ms].sort((a, b) => a - b);
const minutes = minuteRows(records, samples, SETTINGS.rate);
const overall = tally(records);
const classes = byClass(records);
const counters = Object.fromEntries(
  Object.keys(countersAfter)
    .filter((name) => name.includes("cache"))
    .map((name) => [name, countersAfter[name]! - (countersBefore[name] ?? 0)]),
);
let commit = "unknown";
try {
  commit = execSync("git rev-parse --short HEAD", { cwd: ROOT, encoding: "utf8" }).trim();
} catch {
  // not a git checkout
}
const report = {
  generated_at: new Date().toISOString(),
  commit,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", node: process.version },
  settings: SETTINGS,
  overall,
  by_class: classes,
  by_kind: Object.fromEntries(
    SOAK_KINDS.map((k) => [k.id, { name: k.name, expect: k.expect, ...tally(records.filter((r) => r.kind === k.id)) }]),
  ),
  error_reasons: errorReasons(records),
  slip_ms: { p99: Math.round(percentile(slips, 99) * 100) / 100, max: Math.round((slips.at(-1) ?? 0) * 100) / 100 },
  memory,
  minutes,
  samples,
  audit,
  tokens: { fresh_signed: callers.freshTokens(), cache_counters: counters },
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, "bench/results/soak.json");
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

console.log(
  soakSummary({
    rate: SETTINGS.rate,
    seconds: SETTINGS.seconds,
    overall,
    by_class: classes,
    minutes,
    memory,
    audit,
  }),
);
for (const reason of report.error_reasons.slice(0, 10)) console.log(`  error: ${reason.count} × ${reason.kind}: ${reason.error}`);
console.log(`Fresh tokens signed: ${report.tokens.fresh_signed}; schedule slip p99 ${report.slip_ms.p99} ms, max ${report.slip_ms.max} ms`);
console.log(`\nwritten ${file}`);
process.exit(0);
