import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Stack, startStack } from "../scripts/stack/stack.js";
import { NATIONS, type NationCode } from "../subgraphs/nations.js";

/**
 * The stack a benchmark measures against: subgraphs in memory mode on core 1,
 * a Tearline gateway alone on core 0, all on free loopback ports.
 *
 * Its data root is a fresh temporary folder, removed when the stack stops:
 * each run brings a fresh keys dir, and a nation's signed agreements from an
 * earlier run would not verify with a new agreement key (nor may a kept key
 * be given fresh defaults without its document). The subgraphs answer from
 * memory, so a database seeded anew each run changes no figure.
 */
export async function startBenchStack(keysDir: string, gatewayNodeArgs: string[] = []): Promise<Stack> {
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
      subgraphEntry: (nation) => ({ entry: "bench/subgraph-main.ts", args: [nation] }),
      gatewayNodeArgs,
      // Cache counts for the benchmark's report (token and plan cache hits).
      gatewayEnv: { METRICS: "true" },
      cpus: { subgraphs: "1", gateway: "0" },
      log: () => undefined,
    });
  } catch (error) {
    remove();
    throw error;
  }
  return {
    ...stack,
    async stop() {
      try {
        await stack.stop();
      } finally {
        remove();
      }
    },
  };
}
