import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Coalitions } from "@tearline/policy";
import { z } from "zod";
import { ConfigError, logLevelSetting, parseConfig, portSetting } from "../lib/config.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf } from "../lib/envelope-key.js";
import { REQUEST_TIMEOUT_MS } from "../lib/http-server.js";
import type { LogLevel } from "../lib/logger.js";
import { DEFAULT_COALITIONS_FILE, loadCoalitionsFile } from "../lib/policy-files.js";
import { type AgreementSource, loadAgreementSources } from "./agreements/config.js";
import { loadIssuers, type TrustedIssuer } from "./auth/issuers.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "./fetch/response-budget.js";
import { DEFAULT_SUBGRAPH_MAX_RESPONSE_BYTES } from "./fetch/undici-fetcher.js";
import { type AnomalyConfig, loadAnomalyConfig } from "./oversight/anomaly/config.js";
import { DEFAULT_ADMISSION_LIMITS } from "./pipeline/admission.js";
import { loadRevocationSources, type RevocationSource } from "./revocations/config.js";
import { DEFAULT_MAX_COST } from "./rules/cost-model.js";

const DEFAULT_SUPERGRAPH = fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url));
const DEFAULT_AUDIT_DIR = fileURLToPath(new URL("../.data/audit", import.meta.url));
const DEFAULT_FLOOR_FILE = fileURLToPath(new URL("../.data/gateway/agreement-floors.json", import.meta.url));
const DEFAULT_REVOCATION_FLOOR_FILE = fileURLToPath(new URL("../.data/gateway/revocation-floor.json", import.meta.url));

const booleanSetting = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((value) => value === "true" || value === "1");

const bytesSetting = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(fallback);

const gatewayEnv = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: portSetting(4000),
  SUPERGRAPH_PATH: z.string().min(1).default(DEFAULT_SUPERGRAPH),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(10_000),
  BREAKER_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(REQUEST_TIMEOUT_MS),
  INTROSPECTION: booleanSetting(false),
  AUDIENCE: z.string().min(1).default("tearline-gateway"),
  COALITIONS_FILE: z.string().min(1).default(DEFAULT_COALITIONS_FILE),
  ENFORCEMENT_MODE: z.enum(["redact", "reject"], { error: "must be redact or reject" }).default("redact"),
  MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(12),
  MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(50),
  MAX_FIELDS: z.coerce.number().int().min(1).max(100_000).default(1500),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(50),
  MAX_COST: z.coerce.number().int().min(1).max(1_000_000_000).default(DEFAULT_MAX_COST),
  MAX_RESPONSE_BYTES: bytesSetting(DEFAULT_MAX_RESPONSE_BYTES),
  SUBGRAPH_MAX_RESPONSE_BYTES: bytesSetting(DEFAULT_SUBGRAPH_MAX_RESPONSE_BYTES),
  MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_ADMISSION_LIMITS.maxInFlight),
  MAX_IN_FLIGHT_PER_SUBJECT: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_ADMISSION_LIMITS.maxInFlightPerSubject),
  /** Default: MAX_COST, one costliest operation's worth. */
  MAX_COST_IN_FLIGHT_PER_SUBJECT: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  PLAN_CACHE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  TOKEN_CACHE_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  METRICS: booleanSetting(false),
  AGREEMENTS_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
  AGREEMENTS_FLOOR_FILE: z.string().min(1).default(DEFAULT_FLOOR_FILE),
  REVOCATIONS_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
  REVOCATIONS_FLOOR_FILE: z.string().min(1).default(DEFAULT_REVOCATION_FLOOR_FILE),
  LOG_LEVEL: logLevelSetting(),
  AUDIT_STORE: z.enum(["file", "postgres", "none"], { error: "must be file, postgres or none" }).default("file"),
  AUDIT_DIR: z.string().min(1).default(DEFAULT_AUDIT_DIR),
  AUDIT_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// URL" }).optional(),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().min(0.1).max(86_400).default(10),
  SUBGRAPH_ENVELOPES: z.enum(["sign", "off"], { error: "must be sign or off" }).default("sign"),
  GATEWAY_ENVELOPE_KEY_FILE: z
    .string({ error: "GATEWAY_ENVELOPE_KEY_FILE is required: the gateway's Ed25519 private envelope key, a JWK file with a kid" })
    .min(1),
});

const subgraphUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

export interface GatewayConfig {
  host: string;
  port: number;
  supergraphPath: string;
  subgraphTimeoutMs: number;
  /** Each subgraph's circuit breaker: consecutive failed fetches that open it, and how long it stays open before a probe. */
  breaker: { failures: number; cooldownMs: number };
  /** On SIGTERM, how long requests in flight have to finish before their connections are cut. */
  shutdownDeadlineMs: number;
  /** How long a client has to send a whole request, headers and body, before its connection is cut. */
  requestTimeoutMs: number;
  introspection: boolean;
  /** Routing URLs that replace the supergraph's, by subgraph name (SUBGRAPH_URL_<NAME>). */
  subgraphUrls: Record<string, string>;
  audience: string;
  issuers: TrustedIssuer[];
  coalitions: Coalitions;
  /** reject: any denied field refuses the whole operation, as if every label said onDeny: REJECT. */
  mode: "redact" | "reject";
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
  maxDirectives: number;
  /** Most an operation may cost, its page sizes multiplied through (OPERATION_TOO_COSTLY past it). */
  maxCost: number;
  /** Largest answer, and most bytes the subgraphs may send for one request (RESPONSE_TOO_LARGE past it). */
  maxResponseBytes: number;
  /** Most bytes read of one subgraph answer; past it that subgraph has failed for the request. */
  subgraphMaxResponseBytes: number;
  /** Operations in flight at once, all callers together; past it, a fast 503. */
  maxInFlight: number;
  /** Operations in flight at once for one caller (issuer and subject); past it, 429. */
  maxInFlightPerSubject: number;
  /** Cost in flight at once for one caller (an operation alone always passes); past it, 429. */
  maxCostInFlightPerSubject: number;
  planCacheSize: number;
  /** Most verified tokens remembered. */
  tokenCacheSize: number;
  /** Whether GET /metrics answers (cache and request counts, Prometheus text). */
  metrics: boolean;
  /** Where each nation's signed sharing agreements and agreement keys are; empty: every nation reads only its own data. */
  agreements: AgreementSource[];
  agreementsPollMs: number;
  /** The highest agreements version seen per nation, kept across restarts (no rollback by restarting). */
  agreementsFloorFile: string;
  /** Where each nation's signed revocation list is (REVOCATIONS, REVOCATIONS_FILE); empty: no token is ever revoked. */
  revocations: RevocationSource[];
  /** How often each list is read again: a revoked token is refused within this (and the fetch deadline) of the command. */
  revocationsPollMs: number;
  /** The issue time of the newest list seen per nation, kept across restarts (no rollback by restarting). */
  revocationsFloorFile: string;
  /** The private JWK file the gateway signs subgraph envelopes with; read again when it changes (a rotation). */
  envelopeKeyFile: string;
  /** The key in that file at start-up, checked: a gateway that cannot vouch for its requests does not start. */
  envelopeKey: EnvelopeSigningKey;
  /**
   * Whether subgraph fetches carry an envelope (SUBGRAPH_ENVELOPES=sign, the default). Off only for subgraphs that
   * run without the second lock (the benchmark's enforcement-only variants): a subgraph with the lock refuses every
   * request without one, so turning it off can only fail closed. The audit checkpoints are signed either way.
   */
  signEnvelopes: boolean;
  logLevel: LogLevel;
  audit: AuditConfig;
  /** Anomaly flags' thresholds (ANOMALY_CONFIG) and each nation's webhook (ANOMALY_WEBHOOKS). */
  anomaly: AnomalyConfig;
}

/** Where the audit trail is kept, and how often its checkpoints are signed. */
export interface AuditConfig {
  /** none: no audit trail (benchmark variants only; the gateway says so loudly at start). */
  store: "file" | "postgres" | "none";
  /** The folder of the file store's chains. */
  dir: string;
  /** The PostgreSQL database of the postgres store. */
  databaseUrl: string | undefined;
  checkpointEvery: number;
  checkpointMs: number;
}

/** The gateway's settings from its environment; throws a ConfigError naming every bad one. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = parseConfig(gatewayEnv, env, "gateway");
  if (base.AUDIT_STORE === "postgres" && !base.AUDIT_DATABASE_URL)
    throw new ConfigError("Invalid gateway configuration:\n  - AUDIT_DATABASE_URL: required when AUDIT_STORE is postgres");
  const overrides = Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => name.startsWith("SUBGRAPH_URL_"))
      .map(([name, value]) => [name.slice("SUBGRAPH_URL_".length), value]),
  );
  const subgraphUrls = parseConfig(z.record(z.string().regex(/^[A-Z0-9_]+$/), subgraphUrl), overrides, "gateway SUBGRAPH_URL_*");
  const issuers = loadIssuers(env);
  const agreements = loadAgreementSources(env);
  // Token keys and agreement keys come from different places: one kind of key must never be able to sign the other.
  const sourceOf = (source: { file: string } | { url: string }) => ("file" in source ? `file:${source.file}` : `url:${source.url}`);
  const revocations = loadRevocationSources(env);
  const agreementKeySources = new Set([...agreements, ...revocations].map((source) => sourceOf(source.keys)));
  const shared = issuers.find((issuer) => agreementKeySources.has(sourceOf(issuer.jwks)));
  if (shared)
    throw new ConfigError(`issuer ${shared.issuer} reads its keys from a nation's agreement key set: keep token and agreement keys apart`);
  return {
    host: base.HOST,
    port: base.PORT,
    supergraphPath: base.SUPERGRAPH_PATH,
    subgraphTimeoutMs: base.SUBGRAPH_TIMEOUT_MS,
    breaker: { failures: base.BREAKER_FAILURES, cooldownMs: base.BREAKER_COOLDOWN_MS },
    shutdownDeadlineMs: base.SHUTDOWN_DEADLINE_MS,
    requestTimeoutMs: base.REQUEST_TIMEOUT_MS,
    introspection: base.INTROSPECTION,
    subgraphUrls,
    audience: base.AUDIENCE,
    issuers,
    coalitions: loadCoalitionsConfig(base.COALITIONS_FILE),
    mode: base.ENFORCEMENT_MODE,
    maxDepth: base.MAX_DEPTH,
    maxAliases: base.MAX_ALIASES,
    maxFields: base.MAX_FIELDS,
    maxDirectives: base.MAX_DIRECTIVES,
    maxCost: base.MAX_COST,
    maxResponseBytes: base.MAX_RESPONSE_BYTES,
    subgraphMaxResponseBytes: base.SUBGRAPH_MAX_RESPONSE_BYTES,
    maxInFlight: base.MAX_IN_FLIGHT,
    maxInFlightPerSubject: base.MAX_IN_FLIGHT_PER_SUBJECT,
    maxCostInFlightPerSubject: base.MAX_COST_IN_FLIGHT_PER_SUBJECT ?? base.MAX_COST,
    planCacheSize: base.PLAN_CACHE_SIZE,
    tokenCacheSize: base.TOKEN_CACHE_SIZE,
    metrics: base.METRICS,
    agreements,
    agreementsPollMs: base.AGREEMENTS_POLL_MS,
    agreementsFloorFile: base.AGREEMENTS_FLOOR_FILE,
    revocations,
    revocationsPollMs: base.REVOCATIONS_POLL_MS,
    revocationsFloorFile: base.REVOCATIONS_FLOOR_FILE,
    envelopeKeyFile: base.GATEWAY_ENVELOPE_KEY_FILE,
    envelopeKey: loadEnvelopeKey(base.GATEWAY_ENVELOPE_KEY_FILE),
    signEnvelopes: base.SUBGRAPH_ENVELOPES === "sign",
    logLevel: base.LOG_LEVEL,
    audit: {
      store: base.AUDIT_STORE,
      dir: base.AUDIT_DIR,
      databaseUrl: base.AUDIT_DATABASE_URL,
      checkpointEvery: base.AUDIT_CHECKPOINT_EVERY,
      checkpointMs: Math.round(base.AUDIT_CHECKPOINT_SECONDS * 1000),
    },
    anomaly: loadAnomalyConfig(env),
  };
}

function loadCoalitionsConfig(path: string): Coalitions {
  try {
    return loadCoalitionsFile(path);
  } catch (error) {
    throw new ConfigError(`Invalid gateway configuration:\n  - COALITIONS_FILE: cannot use ${path}: ${(error as Error).message}`);
  }
}

function loadEnvelopeKey(path: string): EnvelopeSigningKey {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `Invalid gateway configuration:\n  - GATEWAY_ENVELOPE_KEY_FILE: cannot read ${path}: ${(error as Error).message}`,
    );
  }
  try {
    return envelopeSigningKeyOf(text);
  } catch (error) {
    throw new ConfigError(`Invalid gateway configuration:\n  - GATEWAY_ENVELOPE_KEY_FILE: ${path} ${(error as Error).message}`);
  }
}
