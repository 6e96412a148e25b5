import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ServiceProcess, spawnService } from "../scripts/stack/service-process.js";
import { NATIONS } from "../subgraphs/nations.js";
import { type BenchStack, UNLIMITED_ADMISSION } from "./bench-stack.js";
import { ALLOWED, attributeSets, headerSource, REDACTED } from "./callers.js";
import { counterTotals } from "./metrics.js";
import { rewrittenFor } from "./rewritten.js";
import type { Variant } from "./window.js";

/** A variant, and what the benchmark knows about how it was configured. */
export interface BenchVariant extends Variant {
  /** Tearline's GET /metrics, for its cache counts; absent for other gateways. */
  metricsUrl?: string;
  /** Whether a correct answer withholds fields (the redacted caller). */
  redacts: boolean;
  /** What this variant does, in words, for the report. */
  description: string;
}

export const TOKENS_CACHE_SIZE = 1000;
export const TOKENS_DISTINCT = 4000;
export const ATTRS_PLAN_CACHE_SIZE = 100;
export const ATTRS_SETS = 1000;

export interface StartedVariants {
  variants: BenchVariant[];
  processes: ServiceProcess[];
}

/**
 * The enforcement-only Tearline variants: no envelopes, no audit trail, reading from the open subgraphs as B does;
 * tokens, labels, agreements, the plan, redaction, the banner, cost and admission all run.
 */
export const ENFORCEMENT_ONLY = { SUBGRAPH_ENVELOPES: "off", AUDIT_STORE: "none" };

/**
 * The enforcement-only variants over the open subgraphs: each one's gateway settings beyond the defaults, and the
 * callers it is sent. bench/profile.ts profiles them from these, so that it profiles what the benchmark measures.
 */
export const ENFORCEMENT_VARIANTS = {
  "T-allow": { env: ENFORCEMENT_ONLY, callers: (keysDir: string) => headerSource(keysDir, [ALLOWED]) },
  "T-tokens": {
    env: { ...ENFORCEMENT_ONLY, TOKEN_CACHE_SIZE: String(TOKENS_CACHE_SIZE) },
    // Thousands of tokens to sign: only for the variants that send them.
    callers: (keysDir: string) => headerSource(keysDir, [ALLOWED], TOKENS_DISTINCT),
  },
  "T-attrs": {
    env: { ...ENFORCEMENT_ONLY, PLAN_CACHE_SIZE: String(ATTRS_PLAN_CACHE_SIZE) },
    callers: (keysDir: string) => headerSource(keysDir, attributeSets(ATTRS_SETS)),
  },
  "T-redact": { env: ENFORCEMENT_ONLY, callers: (keysDir: string) => headerSource(keysDir, [REDACTED]) },
} as const;
const ENFORCEMENT_ONLY_WORDS = "agreements on, no envelopes, open subgraphs as B's, no audit trail";

/** Which of the benchmark stack's two sets of subgraphs a gateway reads from. */
export type SubgraphSet = "locked" | "open";

/** A Tearline gateway's environment in the benchmark: the stack's own, routed to one set of subgraphs. */
export function tearlineEnv(stack: BenchStack, subgraphs: SubgraphSet, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const service = (nation: (typeof NATIONS)[number]) => (subgraphs === "locked" ? stack.subgraphs[nation] : stack.openSubgraphs[nation]);
  return {
    ...stack.gatewayEnv,
    ...Object.fromEntries(NATIONS.map((n) => [`SUBGRAPH_URL_${n}`, service(n)!.url])),
    HOST: "127.0.0.1",
    METRICS: "true",
    ...UNLIMITED_ADMISSION,
    ...env,
  };
}

/**
 * A copy of the supergraph for the gateways that sign no envelopes (B, H), routed to the open subgraphs' real URLs
 * (B and H read routing URLs from the supergraph itself; the Tearline variants are routed by SUBGRAPH_URL_*). Its path.
 */
export function writeOpenSupergraph(stack: BenchStack, keysDir: string, repoSupergraph: string): string {
  let supergraph = readFileSync(repoSupergraph, "utf8");
  for (const nation of NATIONS) {
    const open = stack.openSubgraphs[nation];
    if (!open) throw new Error(`the benchmark stack has no open ${nation} subgraph for the baseline gateways`);
    supergraph = supergraph.replace(`http://127.0.0.1:${4001 + NATIONS.indexOf(nation)}/graphql`, open.url);
  }
  const supergraphPath = join(keysDir, "supergraph.graphql");
  writeFileSync(supergraphPath, supergraph);
  return supergraphPath;
}

/** The entries of the gateways started beside the stack's own, for its bundles (bench-stack's alsoBuild). */
export const VARIANT_ENTRIES = ["gateway/main.ts", "bench/gateways/baseline.ts", "bench/gateways/hive.ts"];

/**
 * Starts every gateway the benchmark compares, beside the stack's own
 * Tearline (T-full), each on core 0 in a process of its own, so that one
 * variant's caches do not weigh on another's memory.
 */
export async function startVariants(
  stack: BenchStack,
  /** The stack's keys folder (tokens are signed with its dev keys); the supergraph copy is written there too. */
  keysDir: string,
  repoSupergraph: string,
  queries: Record<string, { query: string; variables: object }>,
  /** Only these variants (quick mode's few); the others' gateways are not even started. Default: every one. */
  only?: ReadonlySet<string>,
): Promise<StartedVariants> {
  const supergraphPath = writeOpenSupergraph(stack, keysDir, repoSupergraph);
  const wanted = (...names: string[]) => only === undefined || names.some((name) => only.has(name));

  const processes: ServiceProcess[] = [];
  const start = async (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const service = await spawnService({
      name,
      entry,
      env: { ...process.env, ...env, PORT: "0", SUPERGRAPH_PATH: supergraphPath },
      readyTimeoutMs: 60_000,
      log: () => undefined,
      cpus: "0",
      // From the stack's bundles when it has them (bench/run.ts: as npm start runs them), so every gateway alike.
      buildDir: stack.buildDir,
    }).ready;
    processes.push(service);
    return service;
  };
  const tearline = (name: string, subgraphs: SubgraphSet, env: NodeJS.ProcessEnv = {}) =>
    start(name, "gateway/main.ts", tearlineEnv(stack, subgraphs, env));

  // Every feature on is T-full (the stack's own gateway); the others measure the gateway's own enforcement.
  const tNoAudit = wanted("T-noaudit") ? await tearline("T-noaudit", "locked", { AUDIT_STORE: "none" }) : undefined;
  const tAllow = wanted("T-allow") ? await tearline("T-allow", "open", ENFORCEMENT_VARIANTS["T-allow"].env) : undefined;
  const tRedact = wanted("T-redact") ? await tearline("T-redact", "open", ENFORCEMENT_VARIANTS["T-redact"].env) : undefined;
  const tTokens = wanted("T-tokens") ? await tearline("T-tokens", "open", ENFORCEMENT_VARIANTS["T-tokens"].env) : undefined;
  const tAttrs = wanted("T-attrs") ? await tearline("T-attrs", "open", ENFORCEMENT_VARIANTS["T-attrs"].env) : undefined;
  const untuned = wanted("B-untuned") ? await start("B-untuned", "bench/gateways/baseline.ts", { TUNED: "false" }) : undefined;
  const baseline = wanted("B", "B-rewritten") ? await start("B", "bench/gateways/baseline.ts", { TUNED: "true" }) : undefined;
  const hive = wanted("H") ? await start("H", "bench/gateways/hive.ts", { IDP_URL: stack.idp.url }) : undefined;

  const allowed = await ENFORCEMENT_VARIANTS["T-allow"].callers(keysDir);
  const redacted = await ENFORCEMENT_VARIANTS["T-redact"].callers(keysDir);
  const tokens = tTokens ? await ENFORCEMENT_VARIANTS["T-tokens"].callers(keysDir) : allowed;
  const attrs = tAttrs ? await ENFORCEMENT_VARIANTS["T-attrs"].callers(keysDir) : allowed;
  const plain = (query: string) => JSON.stringify(queries[query]);
  const rewritten = Object.fromEntries(
    Object.entries(queries).map(([name, q]) => [
      name,
      JSON.stringify({ query: rewrittenFor(supergraphPath, REDACTED, q.query), variables: q.variables }),
    ]),
  );
  const none = () => ({});
  const metricsOf = (service: ServiceProcess) => new URL("/metrics", service.url).href;
  /** The variant run by `service`; none when that gateway was not started (a variant left out). */
  const variant = (
    service: ServiceProcess | undefined,
    rest: Omit<BenchVariant, "url" | "pid" | "body" | "redacts"> & Partial<BenchVariant>,
  ): BenchVariant[] =>
    service
      ? [
          {
            url: service.url,
            pid: service.child.pid!,
            body: plain,
            redacts: false,
            ...rest,
          },
        ]
      : [];
  const all: BenchVariant[][] = [
    variant(baseline, {
      name: "B",
      headers: none,
      description: "plain @apollo/gateway, Tearline's HTTP server and fetcher, no auth, no envelopes (open subgraphs)",
    }),
    variant(baseline, {
      name: "B-rewritten",
      headers: none,
      body: (query) => rewritten[query]!,
      description: "B sent the operation Tearline's planner leaves for the redacted caller (same process as B)",
    }),
    variant(untuned, { name: "B-untuned", headers: none, description: "plain @apollo/gateway at its defaults (startStandaloneServer)" }),
    variant(tAllow, {
      name: "T-allow",
      headers: () => allowed.next(),
      metricsUrl: tAllow && metricsOf(tAllow),
      description: `Tearline's own enforcement (${ENFORCEMENT_ONLY_WORDS}), one caller cleared for everything, one token (token and plan caches hit)`,
    }),
    variant(stack.gateway, {
      name: "T-full",
      headers: () => allowed.next(),
      metricsUrl: metricsOf(stack.gateway),
      description:
        "T-allow with every feature on: one envelope signed per subgraph fetch, to subgraphs that verify each one (the second lock), and every operation's event made durable in the audit chain before its answer",
    }),
    variant(tNoAudit, {
      name: "T-noaudit",
      headers: () => allowed.next(),
      metricsUrl: tNoAudit && metricsOf(tNoAudit),
      description: "T-full without the audit trail (AUDIT_STORE=none): T-full/T-noaudit is the cost of recording every operation",
    }),
    variant(tRedact, {
      name: "T-redact",
      headers: () => redacted.next(),
      redacts: true,
      metricsUrl: tRedact && metricsOf(tRedact),
      description: `Tearline's own enforcement (${ENFORCEMENT_ONLY_WORDS}), one caller denied about a third of the fields, one token (caches hit)`,
    }),
    variant(tTokens, {
      name: "T-tokens",
      headers: () => tokens.next(),
      metricsUrl: tTokens && metricsOf(tTokens),
      description: `T-allow with ${TOKENS_DISTINCT} distinct tokens in turn through a ${TOKENS_CACHE_SIZE}-entry token cache: every signature verified`,
    }),
    variant(tAttrs, {
      name: "T-attrs",
      headers: () => attrs.next(),
      metricsUrl: tAttrs && metricsOf(tAttrs),
      description: `T-allow with ${ATTRS_SETS} attribute sets in turn through a ${ATTRS_PLAN_CACHE_SIZE}-plan per-caller cache: every request misses it and is decided at every field the operation reaches; the sets decide alike, so the shared plan cache answers (its hits reported; tokens and parsed documents cached)`,
    }),
    variant(hive, {
      name: "H",
      headers: () => allowed.next(),
      description: "Hive Gateway with JWT and generic-auth directives (see bench/gateways/hive.ts)",
    }),
  ];
  const variants = all.flat().filter((v) => wanted(v.name));
  return { variants, processes };
}

/** One request per variant and query, checked, so that no variant is measured answering errors. */
export async function verify(variant: BenchVariant, query: string): Promise<{ fields: number; withheld: number }> {
  const response = await fetch(variant.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...variant.headers() },
    body: variant.body(query),
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

/** A Tearline gateway's cache counters, from its /metrics page. */
export async function cacheCounts(variant: BenchVariant): Promise<Record<string, number> | null> {
  return variant.metricsUrl ? counterTotals(variant.metricsUrl) : null;
}
