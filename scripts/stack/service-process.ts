import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { builtEntry } from "./build.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM and waits for the process to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** Arguments after the entry file. */
  args?: string[];
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  /** CPU list to pin the process to with taskset, such as "0" (benchmarks). */
  cpus?: string;
  /** Extra Node.js options, such as --cpu-prof (benchmarks). */
  nodeArgs?: string[];
  /** Run the entry's bundle in this folder, made by buildEntries (npm start), rather than its source under tsx. */
  buildDir?: string;
  /** Receives each line the process writes that is not its ready announcement. */
  log: (line: string) => void;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export interface SpawnedService {
  /** Resolves once the service prints its ready line; rejects if it exits or stays silent past the timeout. */
  ready: Promise<ServiceProcess>;
  stop(graceMs?: number): Promise<void>;
}

/** Starts one TypeScript service, under tsx or from its bundle. */
export function spawnService(options: SpawnOptions): SpawnedService {
  const entry = options.buildDir ? [builtEntry(options.buildDir, options.entry)] : ["--import", "tsx", options.entry];
  const node = [process.execPath, ...(options.nodeArgs ?? []), ...entry, ...(options.args ?? [])];
  const [command, ...args] = options.cpus ? ["taskset", "-c", options.cpus, ...node] : node;
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stop = async (graceMs = 5000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  createInterface({ input: child.stderr! }).on("line", (line) => options.log(`[${options.name}] ${line}`));

  const ready = new Promise<ServiceProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${options.name} was not ready within ${options.readyTimeoutMs} ms`));
    }, options.readyTimeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready`));
    };
    child.once("exit", onExit);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let message: { event?: string; url?: string } | undefined;
      try {
        message = JSON.parse(line) as { event?: string; url?: string };
      } catch {
        message = undefined;
      }
      if (message?.event === "ready" && typeof message.url === "string") {
        clearTimeout(timer);
        child.off("exit", onExit);
        resolve({ name: options.name, url: message.url, child, stop });
      } else {
        options.log(`[${options.name}] ${line}`);
      }
    });
  });
  return { ready, stop };
}
