// `npm run bench`: every variant in one run, on loopback, over the same data, supergraph and queries. The Tearline
// variants read from subgraphs that verify every envelope they sign; the baselines, which sign none, from open ones.
// Headline: the gateway's CPU time per request at one fixed rate, as paired ratios to the baseline, round by round.
// BENCH_QUICK=1: the typical query only, few short rounds, B, T-allow and T-full only (about two minutes), for
// development. BENCH_VARIANTS=B,T-allow,…: only those variants (the others' gateways are not started), in either mode.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { print } from "graphql";
import { ActorSummaryDocument, FullDossiersDocument, ThreatPictureDocument } from "../examples/analyst/__generated__/operations.js";
import { startBenchStack } from "./bench-stack.js";
import { runMicro } from "./micro.js";
import { fixedRoundOrder, pairedValues } from "./pairing.js";
import { pinSelfTo } from "./pin.js";
import { peakRssMb, threadCpuLists } from "./proc.js";
import { type FixedRate, fixedRate } from "./rate.js";
import { buildReport, table } from "./report.js";
import { measureStartup } from "./startup.js";
import { estimate, median } from "./stats.js";
import { guardAgainstStrangers } from "./stranger-watch.js";
import { FETCH_COUNT_PATH } from "./subgraph-memo.js";
import { cacheCounts, startVariants, VARIANT_ENTRIES, verify } from "./variants.js";
import { type Acceptance, acceptedWindow, type Load, type WindowResult } from "./window.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const log = (message: string) => console.error(`[bench] ${message}`);

// The runner (load generator), the subgraphs and the identity provider share core 1; each gateway has core 0 alone.
pinSelfTo("1", "the benchmark");

// Nothing else may share the cores (bench/strangers.ts): refused before anything starts, recorded if one comes later
// (checked after every window and at the end of every phase).
const strangers = await guardAgainstStrangers(log);

const QUICK = process.env.BENCH_QUICK === "1";
/** Wall-clock seconds of each phase, in the report: where a run's time goes. */
const phases: Record<string, number> = {};
let phaseStart = performance.now();
const phaseDone = (name: string) => {
  const now = performance.now();
  phases[name] = Math.round((now - phaseStart) / 100) / 10;
  phaseStart = now;
  strangers.watch(name);
};

/** The commit being measured; dirty when anything but bench/results differs from it (a run of uncommitted code). */
function commitMeasured(): { sha: string; dirty: boolean } | null {
  const git = (...args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  const head = git("rev-parse", "HEAD");
  if (head.status !== 0) return null;
  const status = git("status", "--porcelain", "--", ".", ":(exclude)bench/results");
  return { sha: head.stdout.trim(), dirty: status.status !== 0 || status.stdout.trim() !== "" };
}
// Read at the start: the code measured is the code of the start (the start-up measurement at the end builds again).
const COMMIT = commitMeasured();

/** bench/lock-cost.ts in a process of its own on core 0, once the gateways have stopped: the lock's own costs. */
function measureSecondLock(): object {
  const child = spawnSync("taskset", ["-c", "0", process.execPath, "--import", "tsx", "bench/lock-cost.ts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`bench/lock-cost.ts failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as object;
}
const setting = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
const SETTINGS = {
  quick: QUICK,
  fixed_seconds: setting("BENCH_FIXED_SECONDS", 2, 1.5),
  full_seconds: setting("BENCH_FULL_SECONDS", 2, 1.5),
  warm_seconds: setting("BENCH_WARM_SECONDS", 0.5, 0.3),
  /** Full load on each variant and query before anything counts: a gateway's JIT and caches take thousands of requests to settle. */
  warmup_seconds: setting("BENCH_WARMUP_SECONDS", 3, 3),
  /**
   * Paired rounds at the fixed rate: the typical query's until every CPU ratio has `min_pairs` accepted pairs, in at
   * most `max_pairs` rounds (a window rejected three times leaves its round without a pair; later rounds replace it).
   */
  min_pairs: setting("BENCH_PAIRS", 15, 4),
  max_pairs: setting("BENCH_MAX_PAIRS", 18, 4),
  /** Rounds for the small and large queries (0 in quick mode: typical only). */
  other_pairs: setting("BENCH_OTHER_PAIRS", 3, 0),
  /** Rounds at full load: every variant, on the typical query; they set the fixed rates. */
  full_rounds: setting("BENCH_FULL_ROUNDS", 2, 1),
  /** Rounds at full load on the small and large queries (their fixed rates, and throughput as information). */
  other_full_rounds: setting("BENCH_OTHER_FULL_ROUNDS", 1, 0),
  /** Rounds at full load of the throughput ratios' variants (T-allow, T-full, H) on the typical query, the first ones included. */
  throughput_rounds: setting("BENCH_THROUGHPUT_ROUNDS", 5, 1),
  connections: setting("BENCH_CONNECTIONS", 16, 16),
  /**
   * The fixed rates, requests a second, the same in every run (bench/rate.ts): 40% of the slowest variant's full load
   * in the slowest of the full runs committed before them (typical 90, small 315, large 90), rounded down.
   */
  fixed_rate_targets: {
    typical: setting("BENCH_RATE_TYPICAL", 90, 90),
    small: setting("BENCH_RATE_SMALL", 300, 300),
    large: setting("BENCH_RATE_LARGE", 90, 90),
  },
  /** The most a fixed rate may be, as a share of the slowest fixed-rate variant's full-load throughput in the run. */
  rate_share: 0.4,
  pairing:
    "fixed-rate rounds measure B twice (each other variant at most two windows from one; T-redact beside B-rewritten), and pair each window with its baseline's nearest window in the same round (bench/pairing.ts)",
  pinning:
    "runner, load generator, subgraphs and IdP launched under taskset -c 1 (all threads); each gateway under taskset -c 0; only the gateway under test runs (the others are SIGSTOPped)",
};
const ACCEPTANCE: Acceptance = { minGatewayCores: 0.9, maxCore1Busy: 0.8, maxSteal: 0.05 };

const QUERIES = {
  typical: { query: print(ThreatPictureDocument), variables: { first: 3 } },
  small: { query: print(ActorSummaryDocument), variables: { id: "TA-0003" } },
  large: { query: print(FullDossiersDocument), variables: { first: 4 } },
};
type QueryName = keyof typeof QUERIES;
const QUERY_NAMES = (QUICK ? ["typical"] : Object.keys(QUERIES)) as QueryName[];
/** The variants run: BENCH_VARIANTS, else quick mode's three, else every one. */
const ONLY = process.env.BENCH_VARIANTS
  ? new Set(process.env.BENCH_VARIANTS.split(",").map((name) => name.trim()))
  : QUICK
    ? new Set(["B", "T-allow", "T-full"])
    : undefined;
const chosen = (name: string) => ONLY === undefined || ONLY.has(name);
/** Compared with B at the fixed rate (H and B-untuned are measured at full load only). */
const FIXED_VARIANTS = ["B", "B-rewritten", "T-allow", "T-full", "T-noaudit", "T-redact", "T-tokens", "T-attrs"].filter(chosen);
/** The variants of the throughput ratios (T-allow/H, T-full/H), given more rounds at full load than the others. */
const THROUGHPUT_VARIANTS = ["T-allow", "T-full", "H"].filter(chosen);
/**
 * The CPU-per-request ratios reported, each of a variant to its paired baseline. T-full/T-noaudit is the audit
 * trail's cost; T-full/T-allow that of the envelopes and the audit trail together.
 */
const CPU_PAIRS = (
  [
    ["T-allow", "B"],
    ["T-redact", "B-rewritten"],
    ["T-tokens", "B"],
    ["T-attrs", "B"],
    ["T-full", "B"],
    ["T-noaudit", "B"],
    ["T-full", "T-noaudit"],
    ["T-full", "T-allow"],
  ] as const satisfies ReadonlyArray<readonly [string, string]>
).filter(([t, b]) => chosen(t) && chosen(b));

const keysDir = mkdtempSync(join(tmpdir(), "tearline-bench-"));
// Its keys are of this run only: gone with the process, however it ends.
process.on("exit", () => rmSync(keysDir, { recursive: true, force: true }));
log(`starting subgraphs (memory mode), dev IdP and the gateways${QUICK ? " (quick mode)" : ""}`);
const stack = await startBenchStack(keysDir, { open: true, alsoBuild: VARIANT_ENTRIES });
const { variants, processes } = await startVariants(stack, keysDir, join(ROOT, "schema/supergraph.graphql"), QUERIES, ONLY);
if (ONLY) log(`variants: ${variants.map((v) => v.name).join(", ")}`);
const all = [...processes, stack.gateway, stack.idp, ...Object.values(stack.subgraphs), ...Object.values(stack.openSubgraphs)];
// A failed run must not leave processes behind, stopped ones included.
process.on("exit", () => {
  for (const service of all) service.child.kill("SIGKILL");
});
for (const service of [...processes, stack.gateway])
  if (threadCpuLists(service.child.pid!).join() !== "0") throw new Error(`${service.name} is not pinned to core 0 on every thread`);

const shape: Record<string, { fields: number; withheld: number }> = {};
for (const query of QUERY_NAMES) for (const variant of variants) shape[`${variant.name}/${query}`] = await verify(variant, query);

// Both sets: the locked subgraphs serve the Tearline variants, the open ones the baselines; one gateway runs at a time.
const subgraphRequests = async () => {
  let total = 0;
  for (const service of [...Object.values(stack.subgraphs), ...Object.values(stack.openSubgraphs)]) {
    const page = await fetch(new URL(FETCH_COUNT_PATH, service.url));
    total += ((await page.json()) as { requests: number }).requests;
  }
  return total;
};
const shuffled = <T>(items: T[]) =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
const byName = (name: string) => variants.find((v) => v.name === name)!;
const uniquePids = [...new Set(variants.map((v) => v.pid))];
// Every gateway stopped; each window resumes only its own.
for (const pid of uniquePids) process.kill(pid, "SIGSTOP");

const windows: WindowResult[] = [];
const measure = async (name: string, query: QueryName, load: Load, round: number, position: number, seconds: number) => {
  const window = await acceptedWindow(
    { variant: byName(name), query, load, seconds, warmSeconds: SETTINGS.warm_seconds, round, position, subgraphRequests },
    ACCEPTANCE,
    round < 0 ? 1 : 3,
  );
  // Warm-up windows (round -1) fill JIT, caches and the subgraphs' memory; they are not results.
  if (round >= 0) windows.push(window);
  // After every window: a stranger that came and went within one phase is still seen, and in which window.
  strangers.watch(`${load.kind} ${query} ${round < 0 ? "warm-up" : `r${round + 1}`} ${name}`);
  return window;
};

phaseDone("start_stack_and_gateways");
log("warming up every variant on every query");
for (const query of QUERY_NAMES)
  for (const variant of variants)
    await measure(
      variant.name,
      query,
      { kind: "full", connections: SETTINGS.connections },
      -1,
      0,
      SETTINGS.warmup_seconds / (query === "typical" ? 1 : 2),
    );
/** Each Tearline variant's cache counters; its gateway resumed just long enough to answer. */
const allCacheCounts = async () => {
  const counts: Record<string, Record<string, number> | null> = {};
  for (const variant of variants) {
    process.kill(variant.pid, "SIGCONT");
    counts[variant.name] = await cacheCounts(variant);
    process.kill(variant.pid, "SIGSTOP");
  }
  return counts;
};
const countsBefore = await allCacheCounts();
phaseDone("warm_up");
const startedAt = Date.now();

// Full load: throughput, each round in a new order; it also tells each variant's capacity, which bounds the fixed rate.
// The throughput ratios' variants get more rounds on the typical query: two rounds gave intervals of nothing.
const rateChoices: Record<string, FixedRate> = {};
for (const query of QUERY_NAMES) {
  const rounds = query === "typical" ? Math.max(SETTINGS.full_rounds, SETTINGS.throughput_rounds) : SETTINGS.other_full_rounds;
  for (let round = 0; round < rounds; round++) {
    const inRound = round < SETTINGS.full_rounds || query !== "typical" ? variants.map((v) => v.name) : THROUGHPUT_VARIANTS;
    const order = shuffled(inRound);
    for (const [position, name] of order.entries()) {
      const w = await measure(name, query, { kind: "full", connections: SETTINGS.connections }, round, position, SETTINGS.full_seconds);
      log(
        `full ${query} r${round + 1} ${name}: ${w.rps} rps, gateway ${w.gateway_cores} cores${w.rejected.length ? `, ${w.rejected}` : ""}`,
      );
    }
  }
  // From the rounds every variant ran in, so that no variant's capacity is judged on more windows than another's.
  const capacity = (name: string) =>
    median(
      windows
        .filter(
          (w) => w.kind === "full" && w.variant === name && w.query === query && (query !== "typical" || w.round < SETTINGS.full_rounds),
        )
        .map((w) => w.rps),
    );
  const choice = fixedRate(SETTINGS.fixed_rate_targets[query], Math.min(...FIXED_VARIANTS.map(capacity)), SETTINGS.rate_share);
  rateChoices[query] = choice;
  if (choice.lowered)
    log(
      `fixed rate of ${query} lowered to ${choice.rate}/s (${SETTINGS.rate_share} of the slowest full load): not comparable with other runs`,
    );
}

phaseDone("full_load");
// Fixed rate: paired rounds. Each round measures every variant in a new order, B twice (bench/pairing.ts), so each T
// window has a baseline window beside it in time; the ratio is taken within the round, with the nearer one.
const cpuRatios = (query: QueryName) =>
  Object.fromEntries(
    CPU_PAIRS.map(([t, b]) => [
      `${t}/${b}`,
      estimate(pairedValues(windows, "fixed", query, [t, b], (tw, bw) => tw.cpu_us_per_request / bw.cpu_us_per_request)),
    ]),
  );
for (const query of QUERY_NAMES) {
  const [min, max] = query === "typical" ? [SETTINGS.min_pairs, SETTINGS.max_pairs] : [SETTINGS.other_pairs, SETTINGS.other_pairs];
  for (let round = 0; round < max; round++) {
    if (Object.values(cpuRatios(query)).every((e) => e !== null && e.pairs >= min)) break;
    const order = fixedRoundOrder(FIXED_VARIANTS, shuffled);
    for (const [position, name] of order.entries()) {
      const w = await measure(name, query, { kind: "fixed", rate: rateChoices[query]!.rate }, round, position, SETTINGS.fixed_seconds);
      log(
        `fixed ${query} @${rateChoices[query]!.rate}/s r${round + 1} ${name}: ${w.cpu_us_per_request} µs CPU/req, p50 ${w.p50_ms} ms, core1 ${w.core1_busy}${w.rejected.length ? `, ${w.rejected}` : ""}`,
      );
    }
  }
}
const measuredSeconds = (Date.now() - startedAt) / 1000;
phaseDone("fixed_rate");
const countsAfter = await allCacheCounts();
const peaks = Object.fromEntries(variants.map((v) => [v.name, peakRssMb(v.pid)]));

for (const pid of uniquePids) process.kill(pid, "SIGCONT");
await Promise.all([...processes.map((s) => s.stop()), stack.stop()]);
if (!QUICK) log("micro-benchmarks of enforcement and of the second lock, then start-up: cold and warm npm start");
phaseDone("stop");
const micro = QUICK ? null : runMicro();
const secondLock = QUICK ? null : measureSecondLock();
phaseDone("micro_and_second_lock");
const startup = QUICK ? null : await measureStartup();
phaseDone("startup");

const report = buildReport({
  settings: {
    ...SETTINGS,
    acceptance: ACCEPTANCE,
    fixed_rates: Object.fromEntries(Object.entries(rateChoices).map(([query, choice]) => [query, choice.rate])),
    fixed_rate_choices: rateChoices,
    measured_seconds: Math.round(measuredSeconds),
    phases_s: phases,
  },
  queries: QUERY_NAMES,
  variants,
  windows,
  cpuRatios: Object.fromEntries(QUERY_NAMES.map((q) => [q, cpuRatios(q)])),
  cacheCounts: { before: countsBefore, after: countsAfter },
  peaks,
  shape,
  micro,
  secondLock,
  startup,
  commit: COMMIT,
  strangers: { rule: strangers.rule, checks: strangers.checks },
});
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, "bench/results", `${report.generated_at.replace(/[:.]/g, "-")}${QUICK ? "-quick" : ""}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
if (!QUICK) writeFileSync(join(ROOT, "bench/results/latest.json"), `${JSON.stringify(report, null, 2)}\n`);

console.log(table(report));
console.log(`\nwritten ${file}${QUICK ? " (quick mode: latest.json untouched)" : " and bench/results/latest.json"}`);
process.exit(0);
