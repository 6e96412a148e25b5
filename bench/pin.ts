import { spawnSync } from "node:child_process";
import { threadCpuLists } from "./proc.js";

/**
 * Runs this script on `core` alone: unless every thread already is, re-launches it under `taskset -c <core>` (which
 * pins every thread the script and its children will have, not only the main one) and exits with its status.
 */
export function pinSelfTo(core: string, purpose: string): void {
  if (threadCpuLists("self").join() === core) return;
  if (process.env.BENCH_PINNED) throw new Error(`${purpose} needs two cores: it could not pin itself to core ${core}`);
  const child = spawnSync("taskset", ["-c", core, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(child.status ?? 1);
}
