import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agreementJwksPath } from "../scripts/agreement/keys.js";
import { gatewayJwksPath } from "../scripts/gateway-key/keys.js";
import { ensureCluster } from "../scripts/stack/pglite-template.js";
import { type ServiceProcess, type SpawnedService, spawnService } from "../scripts/stack/service-process.js";
import { type Stack, startStack } from "../scripts/stack/stack.js";
import { NATIONS, type NationCode } from "../subgraphs/nations.js";
import { AGREEMENTS_FILE } from "../subgraphs/shared/agreements-page.js";

export interface BenchStack extends Stack {
  /** Subgraphs without the envelope lock, for the baseline gateways (empty unless asked for). */
  openSubgraphs: Partial<Record<NationCode, ServiceProcess>>;
}

/**
 * Admission limits out of reach for the Tearline gateways measured: one bench caller has up to 256 requests in flight
 * at a fixed rate, and a refusal would count as a failure where the baselines, which admit everything, only wait.
 * The admission's bookkeeping still runs.
 */
export const UNLIMITED_ADMISSION = {
  MAX_IN_FLIGHT: "100000",
  MAX_IN_FLIGHT_PER_SUBJECT: "100000",
  MAX_COST_IN_FLIGHT_PER_SUBJECT: "1000000000",
};

/**
 * The stack a benchmark measures against: subgraphs in memory mode on core 1,
 * a Tearline gateway alone on core 0, all on free loopback ports. With
 * `open`, a second set of subgraphs (same data, same agreements) that admit
 * every request without an envelope, for the baseline gateways that sign none;
 * the Tearline gateways read from the locked set, which verifies every envelope.
 *
 * Its data root is a fresh temporary folder, removed when the stack stops:
 * each run brings a fresh keys dir, and a nation's signed agreements from an
 * earlier run would not verify with a new agreement key (nor may a kept key
 * be given fresh defaults without its document). The subgraphs answer from
 * memory, so a database seeded anew each run changes no figure.
 */
export async function startBenchStack(
  keysDir: string,
  options: {
    gatewayNodeArgs?: string[];
    open?: boolean;
    /** `database`: each nation's own subgraph as `npm start` runs it (its database, shield and row-level security on every request). */
    subgraphs?: "memory" | "database";
    /** `default`: the gateway's own admission limits (the soak, where a 429 is an error), not UNLIMITED_ADMISSION. */
    admission?: "unlimited" | "default";
    /**
     * Every service from a bundle, as `npm start` runs them (default), and these entries too (the benchmark's other
     * gateways, started with the stack's buildDir); false: under tsx, whose per-file module URLs a CPU profile needs.
     */
    built?: boolean;
    alsoBuild?: readonly string[];
  } = {},
): Promise<BenchStack> {
  const dataRoot = mkdtempSync(join(tmpdir(), "tearline-bench-data-"));
  const remove = () => rmSync(dataRoot, { recursive: true, force: true });
  let stack: Stack;
  try {
    stack = await startStack({
      gatewayPort: 0,
      idpPort: 0,
      keysDir,
      subgraphPorts: Object.fromEntries(NATIONS.map((n) => [n, 0])) as Record<NationCode, number>,
      dataRoot,
      subgraphEntry: options.subgraphs === "database" ? undefined : (nation) => ({ entry: "bench/subgraph-main.ts", args: [nation] }),
      gatewayNodeArgs: options.gatewayNodeArgs,
      // Cache counts for the benchmark's report (token and plan cache hits).
      gatewayEnv: { METRICS: "true", ...(options.admission === "default" ? {} : UNLIMITED_ADMISSION) },
      cpus: { subgraphs: "1", gateway: "0" },
      built: options.built ?? true,
      alsoBuild: options.alsoBuild,
      log: () => undefined,
    });
  } catch (error) {
    remove();
    throw error;
  }
  const spawned: SpawnedService[] = [];
  let open: ServiceProcess[];
  try {
    if (options.open)
      for (const nation of NATIONS) {
        // A copy of the empty cluster, as the stack's own subgraphs get: four initdb runs on one core took half a minute.
        await ensureCluster(openDataDir(dataRoot, nation));
        spawned.push(spawnOpenSubgraph(nation, keysDir, dataRoot, stack.buildDir));
      }
    open = await Promise.all(spawned.map((service) => service.ready));
  } catch (error) {
    await Promise.all([stack.stop(), ...spawned.map((service) => service.stop())]);
    remove();
    throw error;
  }
  return {
    ...stack,
    openSubgraphs: Object.fromEntries(open.map((service, i) => [NATIONS[i]!, service])),
    async stop() {
      try {
        await Promise.all([stack.stop(), ...open.map((service) => service.stop())]);
      } finally {
        remove();
      }
    },
  };
}

/** One open subgraph: its own database (PGlite is one process's), a copy of the nation's signed agreements. */
const openDataDir = (dataRoot: string, nation: NationCode) => join(dataRoot, "open", nation);

function spawnOpenSubgraph(nation: NationCode, keysDir: string, dataRoot: string, buildDir: string | undefined): SpawnedService {
  const dataDir = openDataDir(dataRoot, nation);
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(join(dataRoot, nation, AGREEMENTS_FILE), join(dataDir, AGREEMENTS_FILE));
  return spawnService({
    name: `${nation}-open`,
    entry: "bench/subgraph-main.ts",
    args: [nation, "--open"],
    env: {
      ...process.env,
      // Required settings of every subgraph; the open one reads its agreement keys only.
      GATEWAY_KEYS: JSON.stringify({ file: gatewayJwksPath(keysDir) }),
      AGREEMENT_KEYS: JSON.stringify({ file: agreementJwksPath(keysDir, nation) }),
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
    },
    readyTimeoutMs: 120_000,
    log: () => undefined,
    cpus: "1",
    buildDir,
  });
}
