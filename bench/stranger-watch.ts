import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { CLOCK_TICKS_PER_SECOND, statFields } from "./proc.js";
import {
  describeStranger,
  findStrangers,
  type ProcessInfo,
  parseCpuList,
  processKey,
  type Stranger,
  type StrangerRule,
} from "./strangers.js";

// Reads /proc for bench/strangers.ts's rules, and watches through a run. Linux only, as the benchmark is.

/** A process that ended between the listing and a read of one of its files: not an error, it is simply gone. */
const gone = (error: unknown) => ["ENOENT", "ESRCH"].includes((error as NodeJS.ErrnoException).code ?? "");

const allowedList = (statusText: string) => statusText.match(/^Cpus_allowed_list:\s*(.*)$/m)?.[1]?.trim() ?? "";

/** One process, or undefined if it ended while being read. */
function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(.*)$`, "m"))?.[1]?.trim() ?? "";
    const fields = statFields(`/proc/${pid}/stat`);
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    const ppid = Number(fields[1]);
    // Every thread's list, not deduplicated (proc.ts's threadCpuLists is): a thread that ends meanwhile is skipped.
    const threadCpus = readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return [parseCpuList(allowedList(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8")))];
      } catch (error) {
        if (gone(error)) return [];
        throw error;
      }
    });
    return {
      pid,
      ppid,
      pgrp: Number(fields[2]),
      start: Number(fields[19]),
      name: field("Name"),
      threadCpus,
      cpu_s: ticks / CLOCK_TICKS_PER_SECOND,
      // Kernel threads descend from kthreadd (pid 2); each is pinned to its core by design.
      kernel: pid === 2 || ppid === 2,
      defunct: fields[0] === "Z" || fields[0] === "X",
    };
  } catch (error) {
    if (gone(error)) return undefined;
    throw error;
  }
}

/** Every process now; ones that end while being read are left out. */
export function readProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => readProcess(Number(entry)) ?? []);
}

/**
 * The cores a process here may run on at all: the cgroup's cpuset (a container limited to some cores), else what
 * pid 1 may use, each within the online cores; the host's count (`os.cpus()`) only if none of these can be read.
 */
export function availableCores(): number[] {
  const read = (path: string) => {
    try {
      return parseCpuList(readFileSync(path, "utf8").trim());
    } catch {
      return undefined;
    }
  };
  const online = read("/sys/devices/system/cpu/online") ?? cpus().map((_, core) => core);
  let allowed: number[] | undefined;
  try {
    allowed = read("/sys/fs/cgroup/cpuset.cpus.effective") ?? parseCpuList(allowedList(readFileSync("/proc/1/status", "utf8")));
  } catch {
    allowed = undefined;
  }
  const cores = online.filter((core) => allowed === undefined || allowed.includes(core));
  return cores.length > 0 ? cores : online;
}

/** One check's finding, for the report. */
export interface StrangerCheck {
  at: string;
  seconds: number;
  strangers: Stranger[];
}

/** Watches for strangers from now on: each `check` reports those since the previous one. */
export function strangerWatch(self = process.pid, measuredCores: readonly number[] = [0, 1], busyShare = 0.05) {
  const rule: StrangerRule = { measuredCores, allCores: availableCores(), busyShare };
  const cpuOf = (processes: readonly ProcessInfo[]) => new Map(processes.map((p) => [processKey(p), p.cpu_s]));
  let last = cpuOf(readProcesses());
  let lastAt = performance.now();
  const checks: StrangerCheck[] = [];
  return {
    rule,
    checks,
    check(at: string): StrangerCheck {
      const now = performance.now();
      const processes = readProcesses();
      const seconds = (now - lastAt) / 1000;
      const check = { at, seconds: Math.round(seconds * 1000) / 1000, strangers: findStrangers(last, processes, self, seconds, rule) };
      [last, lastAt] = [cpuOf(processes), now];
      checks.push(check);
      return check;
    },
  };
}

/**
 * The benchmark's guard: watches from now on, and exits (code 3) if a stranger is there before anything starts, unless
 * BENCH_ALLOW_STRANGERS=1 (the report then lists it). `watch(at)` logs and returns the strangers since the last check.
 */
export async function guardAgainstStrangers(log: (message: string) => void, firstLookMs = 1000) {
  const strangers = strangerWatch();
  await new Promise((resolve) => setTimeout(resolve, firstLookMs));
  const watch = (at: string) => {
    const found = strangers.check(at).strangers;
    for (const stranger of found) log(`another process on the cores (${at}): ${describeStranger(stranger)}`);
    return found;
  };
  if (watch("start").length > 0 && process.env.BENCH_ALLOW_STRANGERS !== "1") {
    log("refused: stop the processes above, or set BENCH_ALLOW_STRANGERS=1 to measure anyway (the report then says so)");
    process.exit(3);
  }
  return { watch, rule: strangers.rule, checks: strangers.checks };
}
