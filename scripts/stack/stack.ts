import { rmSync } from "node:fs";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { ensureDefaultAgreements } from "../agreement/defaults.js";
import { DEFAULT_DATA_ROOT } from "../agreement/document-file.js";
import { agreementJwksPath } from "../agreement/keys.js";
import { gatewayJwksPath, gatewayPrivateKeyPath, loadOrCreateGatewayKey } from "../gateway-key/keys.js";
import { DEV_AUDIENCE, devIssuers } from "../idp/issuer-id.js";
import { DEFAULT_KEYS_DIR } from "../idp/keys.js";
import { ensureRevocationLists } from "../revoke/list-file.js";
import { buildEntries } from "./build.js";
import { ensureCluster } from "./pglite-template.js";
import { type ServiceProcess, type SpawnedService, type SpawnOptions, spawnService } from "./service-process.js";

export interface StackOptions {
  host?: string;
  /** Port of the gateway; 0 picks a free one. */
  gatewayPort: number;
  /** Port of each nation's subgraph; 0 picks a free one. */
  subgraphPorts: Record<NationCode, number>;
  /** A nation's DATABASE_URL (real PostgreSQL); nations without one use PGlite. */
  databaseUrls?: Partial<Record<NationCode, string>>;
  /** Folder that holds each nation's data directory (PGlite database, signed agreements); default .data/. */
  dataRoot?: string;
  /** Extra environment for the gateway (SUBGRAPH_TIMEOUT_MS, SUPERGRAPH_PATH…). */
  gatewayEnv?: NodeJS.ProcessEnv;
  /** Port of the dev identity provider; 0 picks a free one. */
  idpPort: number;
  /** Where the dev identity provider keeps each nation's signing key; default .keys/. */
  keysDir?: string;
  /** Extra environment for every subgraph. */
  subgraphEnv?: NodeJS.ProcessEnv;
  /** How to start a nation's subgraph; default its own `subgraphs/<NATION>/main.ts` (the benchmark starts it in memory mode). */
  subgraphEntry?: (nation: NationCode) => { entry: string; args?: string[] };
  /** CPU lists to pin processes to (benchmarks). */
  cpus?: { subgraphs?: string; gateway?: string };
  /** Run every service from a bundle built now (npm start: seconds faster on two cores) rather than under tsx. */
  built?: boolean;
  /** With `built`, more entries bundled beside the stack's own, for processes started beside it (the benchmark's gateways). */
  alsoBuild?: readonly string[];
  /** Extra Node.js options for the gateway (--cpu-prof for profiling). */
  gatewayNodeArgs?: string[];
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Stack {
  gateway: ServiceProcess;
  idp: ServiceProcess;
  /** The environment that makes a gateway trust this stack's IdP, for starting more gateways. */
  gatewayEnv: NodeJS.ProcessEnv;
  subgraphs: Record<NationCode, ServiceProcess>;
  /** With `built`: the folder of the bundles (alsoBuild's too), removed by stop(); undefined under tsx. */
  buildDir: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts every nation's subgraph (each with its own database) and then the
 * gateway, pointed at the subgraphs' actual URLs. Used by `npm start` and by
 * the end-to-end tests, so that both run the same processes.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((line: string) => console.error(line));
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  // Every spawned process, ready or not, so that a failed start leaves none behind.
  const spawned: SpawnedService[] = [];
  const entries = {
    idp: "scripts/idp/main.ts",
    gateway: "gateway/main.ts",
    subgraph: (nation: NationCode) => options.subgraphEntry?.(nation) ?? { entry: `subgraphs/${nation}/main.ts` },
  };
  const buildDir = options.built
    ? await buildEntries([
        ...new Set([
          entries.idp,
          entries.gateway,
          ...NATIONS.map((nation) => entries.subgraph(nation).entry),
          ...(options.alsoBuild ?? []),
        ]),
      ])
    : undefined;
  // Once every process is gone (they load their whole bundle at start, but a process may still be starting).
  const removeBuild = () => buildDir && rmSync(buildDir, { recursive: true, force: true });
  const start = (what: SpawnOptions) => {
    const service = spawnService({ ...what, buildDir });
    spawned.push(service);
    return service.ready;
  };

  // From here on a failure removes the build and every process started (a missing data root, say).
  try {
    const dataRoot = options.dataRoot ?? DEFAULT_DATA_ROOT;
    const keysDir = options.keysDir ?? process.env.KEYS_DIR ?? DEFAULT_KEYS_DIR;
    // Each nation publishes signed agreements; on the first start they share as the labels alone would (see the README).
    await ensureDefaultAgreements({ dataRoot, keysDir, nations: NATIONS });
    // ...and a signed list of revoked tokens, empty at first, signed with the same key: a gateway accepts no token of a
    // nation whose list it cannot verify.
    await ensureRevocationLists({ dataRoot, keysDir, nations: NATIONS });
    // The gateway vouches for every subgraph request with its own key; each subgraph trusts that key's JWKS alone.
    await loadOrCreateGatewayKey(keysDir);
    const idpEnv: NodeJS.ProcessEnv = { ...process.env, HOST: host, PORT: String(options.idpPort) };
    idpEnv.KEYS_DIR = keysDir;
    const idpReady = start({ name: "idp", entry: entries.idp, env: idpEnv, readyTimeoutMs, log });
    const subgraphs = await Promise.all(
      NATIONS.map(async (nation) => {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          GATEWAY_KEYS: JSON.stringify({ file: gatewayJwksPath(keysDir) }),
          AGREEMENT_KEYS: JSON.stringify({ file: agreementJwksPath(keysDir, nation) }),
          ...options.subgraphEnv,
          HOST: host,
          PORT: String(options.subgraphPorts[nation]),
        };
        const databaseUrl = options.databaseUrls?.[nation];
        if (databaseUrl) env.DATABASE_URL = databaseUrl;
        else delete env.DATABASE_URL;
        // The data directory holds the nation's agreements even when its database is a real PostgreSQL.
        env.DATA_DIR = `${dataRoot}/${nation}`;
        // A first start copies an empty cluster rather than run initdb in four processes at once.
        if (!databaseUrl) await ensureCluster(env.DATA_DIR);
        const service = await start({
          name: nation,
          ...entries.subgraph(nation),
          env,
          readyTimeoutMs,
          log,
          cpus: options.cpus?.subgraphs,
        });
        return [nation, service] as const;
      }),
    );
    const idp = await idpReady;
    const urls = Object.fromEntries(subgraphs.map(([nation, service]) => [`SUBGRAPH_URL_${nation}`, service.url]));
    const agreements = subgraphs.map(([nation, service]) => ({
      nation,
      url: new URL("/agreements", service.url).href,
      keys: { file: agreementJwksPath(keysDir, nation) },
    }));
    const revocations = agreements.map((source) => ({ ...source, url: new URL("/revocations", source.url).href }));
    const trust = {
      ISSUERS: JSON.stringify(devIssuers(idp.url, NATIONS)),
      AUDIENCE: DEV_AUDIENCE,
      AGREEMENTS: JSON.stringify(agreements),
      AGREEMENTS_FLOOR_FILE: `${dataRoot}/gateway/agreement-floors.json`,
      REVOCATIONS: JSON.stringify(revocations),
      REVOCATIONS_FLOOR_FILE: `${dataRoot}/gateway/revocation-floor.json`,
      AUDIT_DIR: `${dataRoot}/audit`,
      GATEWAY_ENVELOPE_KEY_FILE: gatewayPrivateKeyPath(keysDir),
    };
    const gateway = await start({
      name: "gateway",
      entry: entries.gateway,
      env: { ...process.env, ...trust, ...options.gatewayEnv, ...urls, HOST: host, PORT: String(options.gatewayPort) },
      readyTimeoutMs,
      log,
      cpus: options.cpus?.gateway,
      nodeArgs: options.gatewayNodeArgs,
    });
    return {
      gateway,
      idp,
      gatewayEnv: trust,
      subgraphs: Object.fromEntries(subgraphs) as Record<NationCode, ServiceProcess>,
      buildDir,
      async stop() {
        await gateway.stop();
        await Promise.all([idp, ...subgraphs.map(([, service]) => service)].map((service) => service.stop()));
        removeBuild();
      },
    };
  } catch (error) {
    await Promise.all(spawned.map((service) => service.stop()));
    removeBuild();
    throw error;
  }
}
