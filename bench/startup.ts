import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signDevToken } from "../scripts/idp/sign.js";
import { ALLOWED } from "./callers.js";
import { median } from "./stats.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/**
 * Seconds from `npm start` to the first successful query through the gateway,
 * on free ports, with the given data root and keys dir (both empty: cold;
 * both reused: warm).
 */
async function timeToFirstQuery(dataRoot: string, keysDir: string, ports: { gateway: number; idp: number; base: number }): Promise<number> {
  const started = performance.now();
  const env = {
    ...process.env,
    DATA_ROOT: dataRoot,
    KEYS_DIR: keysDir,
    GATEWAY_PORT: String(ports.gateway),
    IDP_PORT: String(ports.idp),
    GBR_PORT: String(ports.base),
    FRA_PORT: String(ports.base + 1),
    DEU_PORT: String(ports.base + 2),
    EST_PORT: String(ports.base + 3),
  };
  // On every core, as a user runs it: the runner itself is pinned to core 1, and its children would inherit that
  // (cpus() counts every core of the machine, availableParallelism() only those this process may use).
  const child = spawn("taskset", ["-c", `0-${cpus().length - 1}`, "npm", "start", "--silent"], {
    cwd: ROOT,
    env,
    stdio: "ignore",
    detached: true,
  });
  const token = await signDevToken({ ...ALLOWED, keysDir, ttlSeconds: 600 });
  try {
    for (;;) {
      if (performance.now() - started > 120_000) throw new Error("npm start served no query within 120 s");
      try {
        const response = await fetch(`http://127.0.0.1:${ports.gateway}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-purpose": "CT" },
          body: JSON.stringify({ query: '{ threatActor(id: "TA-0001") { name } }' }),
        });
        const body = (await response.json()) as { data?: { threatActor?: { name?: string } } };
        if (body.data?.threatActor?.name) return Math.round((performance.now() - started) / 100) / 10;
      } catch {
        // not up yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await groupGone(child.pid!);
  }
}

/**
 * Until every process of the group has ended: npm exits as soon as it is
 * signalled, while the stack takes a second or two to stop its services, and
 * the next start must not compete with them (for the CPU, the ports, the data).
 */
async function groupGone(group: number): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      process.kill(-group, 0);
    } catch {
      return; // ESRCH: none left
    }
    if (performance.now() > deadline) {
      process.kill(-group, "SIGKILL");
      throw new Error("npm start's processes did not stop within 30 s of SIGTERM");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many warm starts are measured; the median is reported, with each. */
const WARM_STARTS = 3;

/**
 * Cold and warm `npm start`. Cold starts from nothing: a fresh data root and a
 * fresh keys dir (every key is created, every database seeded, every nation
 * given its default agreements); warm reuses both, WARM_STARTS times (one
 * start is one sample of a figure that moves by a second between runs). The benchmark's own keys
 * dir is not used: with it, an empty data root would meet existing agreement
 * keys, which npm start refuses (a document is missing, not new).
 */
export async function measureStartup(): Promise<{ cold_s: number; warm_s: number; warm_runs_s: number[] }> {
  const dataRoot = mkdtempSync(join(tmpdir(), "tearline-startup-data-"));
  const keysDir = mkdtempSync(join(tmpdir(), "tearline-startup-keys-"));
  const ports = { gateway: 4900, idp: 4910, base: 4901 };
  try {
    const cold_s = await timeToFirstQuery(dataRoot, keysDir, ports);
    const warm_runs_s: number[] = [];
    for (let run = 0; run < WARM_STARTS; run++) warm_runs_s.push(await timeToFirstQuery(dataRoot, keysDir, ports));
    return { cold_s, warm_s: median(warm_runs_s), warm_runs_s };
  } finally {
    rmSync(dataRoot, { recursive: true, force: true });
    rmSync(keysDir, { recursive: true, force: true });
  }
}
