// `npm run bench`: every variant in one run, on loopback, over the same
// subgraphs, supergraph and queries; results as ratios to the baseline.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { print } from "graphql";
import { ActorSummaryDocument, FullDossiersDocument, ThreatPictureDocument } from "../examples/analyst/__generated__/operations.js";
import { type ServiceProcess, spawnService } from "../scripts/stack/service-process.js";
import { NATIONS } from "../subgraphs/nations.js";
import { startBenchStack } from "./bench-stack.js";
import { ALLOWED, attributeSets, type HeaderSource, headerSource, REDACTED } from "./callers.js";
import { measureFixedRate } from "./fixed-rate.js";
import { measureLoad } from "./load.js";
import { runMicro } from "./micro.js";
import { cpuSeconds, rssMb } from "./processes.js";
import { machine, type Run, ratios, summarise, table, type VariantResult } from "./report.js";
import { measureStartup } from "./startup.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const log = (message: string) => console.error(`[bench] ${message}`);

const QUERIES = {
  small: { query: print(ActorSummaryDocument), variables: { id: "TA-0003" } },
  typical: { query: print(ThreatPictureDocument), variables: { first: 3 } },
  large: { query: print(FullDossiersDocument), variables: { first: 4 } },
} as const;
type QueryName = keyof typeof QUERIES;

interface Variant {
  name: string;
  url: string;
  pid: number;
  headers: HeaderSource | null;
  /** Whether the verification request must show withheld fields. */
  redacts?: boolean;
}

// The load generator and the subgraphs share core 1; each gateway under test has core 0 to itself.
execFileSync("taskset", ["-pc", "1", String(process.pid)], { stdio: "ignore" });

const keysDir = mkdtempSync(join(tmpdir(), "tearline-bench-keys-"));
log("starting subgraphs (memory mode), dev IdP and Tearline");
const stack = await startBenchStack(keysDir);

// B and H read routing URLs from the supergraph itself, so they get a copy with the subgraphs' real URLs.
let supergraph = readFileSync(join(ROOT, "schema/supergraph.graphql"), "utf8");
for (const nation of NATIONS)
  supergraph = supergraph.replace(`http://127.0.0.1:${4001 + NATIONS.indexOf(nation)}/graphql`, stack.subgraphs[nation].url);
const supergraphPath = join(keysDir, "supergraph.graphql");
writeFileSync(supergraphPath, supergraph);

const others: ServiceProcess[] = [];
// A failed run must not leave gateways and subgraphs behind.
process.on("exit", () => {
  for (const service of [...others, stack.gateway, stack.idp, ...Object.values(stack.subgraphs)]) service.child.kill("SIGKILL");
});
const startGateway = async (name: string, entry: string, env: NodeJS.ProcessEnv) => {
  const service = await spawnService({
    name,
    entry,
    env: { ...process.env, ...env, PORT: "0", SUPERGRAPH_PATH: supergraphPath },
    readyTimeoutMs: 60_000,
    log: () => undefined,
    cpus: "0",
  }).ready;
  others.push(service);
  return service;
};
// Each Tearline variant has a process of its own, so that one variant's caches do not weigh on another's RSS.
const tearline = (name: string) => startGateway(name, "gateway/main.ts", { ...stack.gatewayEnv, ...subgraphUrls, HOST: "127.0.0.1" });
const subgraphUrls = Object.fromEntries(NATIONS.map((n) => [`SUBGRAPH_URL_${n}`, stack.subgraphs[n].url]));
const tRedact = await tearline("T-redact");
const tTokens = await tearline("T-tokens");
const tAttrs = await tearline("T-attrs");
const untuned = await startGateway("B-untuned", "bench/gateways/baseline.ts", { TUNED: "false" });
const baseline = await startGateway("B", "bench/gateways/baseline.ts", { TUNED: "true" });
const hive = await startGateway("H", "bench/gateways/hive.ts", { IDP_URL: stack.idp.url });

log("signing tokens");
const allowed = await headerSource(keysDir, [ALLOWED]);
const variants: Variant[] = [
  { name: "B-untuned", url: untuned.url, pid: untuned.child.pid!, headers: null },
  { name: "B", url: baseline.url, pid: baseline.child.pid!, headers: null },
  { name: "T-allow", url: stack.gateway.url, pid: stack.gateway.child.pid!, headers: allowed },
  { name: "T-redact", url: tRedact.url, pid: tRedact.child.pid!, headers: await headerSource(keysDir, [REDACTED]), redacts: true },
  { name: "T-tokens", url: tTokens.url, pid: tTokens.child.pid!, headers: await headerSource(keysDir, [ALLOWED], 4000) },
  { name: "T-attrs", url: tAttrs.url, pid: tAttrs.child.pid!, headers: await headerSource(keysDir, attributeSets(1000)) },
  { name: "H", url: hive.url, pid: hive.child.pid!, headers: allowed },
];

const bodyOf = (query: QueryName) => JSON.stringify(QUERIES[query]);
const headersOf = (variant: Variant) => () => variant.headers?.next() ?? {};

/** One request per variant and query, checked, so that no variant is measured answering errors. */
async function verify(variant: Variant, query: QueryName): Promise<{ fields: number; withheld: number }> {
  const response = await fetch(variant.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headersOf(variant)() },
    body: bodyOf(query),
  });
  const body = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  const withheld = (body.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN_FIELD").length;
  const unexpected = (body.errors ?? []).length - withheld;
  // The small operation touches nothing the redacted caller is denied; the others must show withheld fields.
  if (response.status !== 200 || !body.data || unexpected > 0 || (variant.redacts && query !== "small" && withheld === 0)) {
    throw new Error(`${variant.name} answered ${query} wrongly: ${response.status} ${JSON.stringify(body).slice(0, 400)}`);
  }
  return { fields: countFields(body.data), withheld };
}

function countFields(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + countFields(item), 0);
  if (value && typeof value === "object") return Object.values(value).reduce((n: number, v) => n + 1 + countFields(v), 0);
  return 0;
}

const shape: Record<string, { fields: number; withheld: number }> = {};
for (const query of Object.keys(QUERIES) as QueryName[]) {
  for (const variant of variants) shape[`${variant.name}/${query}`] = await verify(variant, query);
}

const shuffled = <T>(items: T[]) =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
const loadOf = (variant: Variant, query: QueryName) => ({
  url: variant.url,
  body: bodyOf(query),
  headers: headersOf(variant),
  connections: CONNECTIONS,
});

// Everything warm before anything counts: JIT, plan caches, and the subgraphs' memory of each query.
log("warming up every variant on every query");
for (const query of Object.keys(QUERIES) as QueryName[]) {
  for (const variant of variants) await measureLoad({ ...loadOf(variant, query), durationSeconds: WARMUP + 1 });
}

const runs = new Map<string, Run[]>();
const subgraphCpuBefore = NATIONS.map((n) => cpuSeconds(stack.subgraphs[n].child.pid!));
const startedAt = Date.now();
for (let round = 0; round < ROUNDS; round++) {
  for (const query of Object.keys(QUERIES) as QueryName[]) {
    // Full load for every variant in a new order each round; then half load at half of B's maximum in this round.
    const full = new Map<string, Awaited<ReturnType<typeof measureLoad>>>();
    for (const variant of shuffled(variants)) {
      await measureLoad({ ...loadOf(variant, query), durationSeconds: WARMUP });
      full.set(variant.name, await measureLoad({ ...loadOf(variant, query), durationSeconds: SECONDS }));
    }
    const halfRate = Math.max(1, Math.round(full.get("B")!.rps / 2));
    for (const variant of shuffled(variants)) {
      const half = await measureFixedRate({
        url: variant.url,
        body: bodyOf(query),
        headers: headersOf(variant),
        rate: halfRate,
        durationSeconds: SECONDS,
      });
      const f = full.get(variant.name)!;
      const run: Run = {
        round,
        rps: f.rps,
        p50_ms: f.p50_ms,
        p99_ms: f.p99_ms,
        failures: f.failures,
        half_load: { rate: halfRate, p50_ms: half.p50_ms, p99_ms: half.p99_ms, failures: half.failures },
      };
      runs.set(`${variant.name}/${query}`, [...(runs.get(`${variant.name}/${query}`) ?? []), run]);
      log(
        `round ${round + 1} ${query} ${variant.name}: ${f.rps.toFixed(1)} rps, p99 ${f.p99_ms} ms; half-load (${halfRate}/s) p99 ${half.p99_ms} ms${f.failures + half.failures ? `, ${f.failures + half.failures} failures` : ""}`,
      );
    }
  }
}
const loadSeconds = (Date.now() - startedAt) / 1000;
const subgraphCpu = NATIONS.map((n, i) => cpuSeconds(stack.subgraphs[n].child.pid!) - subgraphCpuBefore[i]!);

const results: VariantResult[] = [];
for (const query of Object.keys(QUERIES) as QueryName[]) {
  for (const variant of variants)
    results.push(summarise(variant.name, query, runs.get(`${variant.name}/${query}`) ?? [], rssMb(variant.pid)));
}

await Promise.all([...others.map((s) => s.stop()), stack.stop()]);
log("micro-benchmark of enforcement");
const micro = runMicro();
log("start-up: cold and warm npm start");
const startup = await measureStartup(keysDir);

const report = {
  generated_at: new Date().toISOString(),
  machine: machine(),
  settings: {
    seconds: SECONDS,
    warmup_seconds: WARMUP,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    pinning: "gateway on cpu 0; load generator and subgraphs on cpu 1",
  },
  ratios: ratios(results, "typical"),
  ratios_by_query: Object.fromEntries((Object.keys(QUERIES) as QueryName[]).map((q) => [q, ratios(results, q)])),
  variants: results,
  response_shape: shape,
  subgraphs: {
    cpu_seconds: Object.fromEntries(NATIONS.map((n, i) => [n, Math.round(subgraphCpu[i]! * 10) / 10])),
    load_seconds: Math.round(loadSeconds),
  },
  micro,
  startup,
};
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, "bench/results", `${report.generated_at.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(ROOT, "bench/results/latest.json"), `${JSON.stringify(report, null, 2)}\n`);

console.log(table(results));
console.log("\nratios (typical):", JSON.stringify(report.ratios, null, 1));
console.log("micro:", JSON.stringify(micro));
console.log("start-up:", JSON.stringify(startup));
console.log("subgraph CPU seconds:", JSON.stringify(report.subgraphs));
console.log(`\nwritten ${file} and bench/results/latest.json`);
process.exit(0);
