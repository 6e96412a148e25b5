import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Stack, startStack } from "../scripts/stack/stack.js";
import { NATIONS, type NationCode } from "../subgraphs/nations.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * The stack a benchmark measures against: subgraphs in memory mode on core 1,
 * a Tearline gateway alone on core 0, all on free loopback ports.
 */
export function startBenchStack(keysDir: string, gatewayNodeArgs: string[] = []): Promise<Stack> {
  return startStack({
    gatewayPort: 0,
    idpPort: 0,
    keysDir,
    subgraphPorts: Object.fromEntries(NATIONS.map((n) => [n, 0])) as Record<NationCode, number>,
    dataRoot: join(ROOT, ".data", "bench"),
    subgraphEntry: (nation) => ({ entry: "bench/subgraph-main.ts", args: [nation] }),
    gatewayNodeArgs,
    // Cache counts for the benchmark's report (token and plan cache hits).
    gatewayEnv: { METRICS: "true" },
    cpus: { subgraphs: "1", gateway: "0" },
    log: () => undefined,
  });
}
