import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Classification } from "@tearline/policy";
import { gatewayPrivateKeyPath, loadOrCreateGatewayKey } from "../../scripts/gateway-key/keys.js";
import { DEV_AUDIENCE, devIssuerId } from "../../scripts/idp/issuer-id.js";
import { DEV_KEY_ALGORITHM, loadOrCreateNationKey } from "../../scripts/idp/keys.js";
import { signDevToken } from "../../scripts/idp/sign.js";
import { type ServiceProcess, spawnService } from "../../scripts/stack/service-process.js";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";

/** Nothing listens on the discard port: a nation routed there is refused at once. */
const NOWHERE = "http://127.0.0.1:9/graphql";

export interface FaultGateway {
  gateway: ServiceProcess;
  /** The gateway's audit folder: one events file (JSON lines) per chain. */
  auditDir: string;
  /** Headers of a British analyst cleared to SECRET for CT (or as told), with a token from a key the gateway trusts. */
  headers(caller?: { nation?: NationCode; clearance?: Classification }): Promise<Record<string, string>>;
  /** Every audit event line written so far. */
  auditLines(): string[];
}

const logLines: string[] = [];

/**
 * One gateway process and nothing else: no IdP process (its issuers' keys
 * are files), no real subgraph (each nation routed to a fake, or to
 * nowhere), no agreements unless given. Starts in a couple of seconds, so
 * that a fault can be played against a real process: a dead or slow nation,
 * a SIGTERM with requests in flight.
 */
export async function startFaultGateway(options: {
  subgraphs: Partial<Record<NationCode, string>>;
  /** A nation's issuer reads its key set from this URL instead of its file (a JWKS endpoint that may be down or bad). */
  jwks?: Partial<Record<NationCode, string>>;
  env?: NodeJS.ProcessEnv;
}): Promise<FaultGateway> {
  const dir = mkdtempSync(join(tmpdir(), "tearline-fault-"));
  try {
    return await faultGatewayIn(dir, options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function faultGatewayIn(dir: string, options: Parameters<typeof startFaultGateway>[0]): Promise<FaultGateway> {
  const keysDir = join(dir, "keys");
  const issuers = [];
  for (const nation of NATIONS) {
    const { publicJwk } = await loadOrCreateNationKey(keysDir, nation);
    const file = join(dir, `${nation}.jwks.json`);
    writeFileSync(file, JSON.stringify({ keys: [publicJwk] }));
    const url = options.jwks?.[nation];
    issuers.push({ issuer: devIssuerId(nation), nation, jwks: url ? { url } : { file }, algorithms: [DEV_KEY_ALGORITHM] });
  }
  await loadOrCreateGatewayKey(keysDir);
  const auditDir = join(dir, "audit");
  const routes = Object.fromEntries(NATIONS.map((nation) => [`SUBGRAPH_URL_${nation}`, options.subgraphs[nation] ?? NOWHERE]));
  const spawned = await spawnService({
    name: "gateway-fault",
    entry: "gateway/main.ts",
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: "0",
      ISSUERS: JSON.stringify(issuers),
      AUDIENCE: DEV_AUDIENCE,
      AGREEMENTS: "[]",
      AGREEMENTS_FLOOR_FILE: join(dir, "agreement-floors.json"),
      AUDIT_DIR: auditDir,
      GATEWAY_ENVELOPE_KEY_FILE: gatewayPrivateKeyPath(keysDir),
      ...routes,
      ...options.env,
    },
    readyTimeoutMs: 60_000,
    log: (line) => {
      logLines.push(line);
      if (process.env.TEARLINE_TEST_LOG) console.error(line);
    },
  }).ready;
  // Its folder (keys, audit trail) goes with it: read the audit lines before stopping it.
  const gateway: ServiceProcess = {
    ...spawned,
    async stop(graceMs) {
      try {
        await spawned.stop(graceMs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return {
    gateway,
    auditDir,
    async headers(caller = {}) {
      const nation = caller.nation ?? "GBR";
      const token = await signDevToken({
        keysDir,
        nation,
        clearance: caller.clearance ?? "SECRET",
        purposes: ["CT"],
        compartments: ["ORCHID"],
        scope: "reports:read actors:read",
        ttlSeconds: 600,
      });
      return { authorization: `Bearer ${token}`, "x-purpose": "CT", "content-type": "application/json" };
    },
    auditLines: () =>
      readdirSync(auditDir)
        .filter((name) => name.endsWith(".jsonl") && !name.endsWith(".checkpoints.jsonl"))
        .flatMap((name) => readFileSync(join(auditDir, name), "utf8").split("\n").filter(Boolean)),
  };
}

/** What the fault gateways have logged, for a failing test to show. */
export const faultGatewayLog = () => logLines.join("\n");
