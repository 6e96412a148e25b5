import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { cpuSeconds } from "./proc.js";

// Other processes on the benchmark's cores. A run once shared core 0 with 15 idle gateways a probe had left behind:
// they used about 8% of it, raised T-full/B from about 1.7 to 1.92, and nothing noticed. The benchmark's own family
// (itself, its ancestors, its descendants, and whatever is in its process group) is expected; every other process
// that is pinned to a measured core, or that used more than a small share of a core between two checks, is a
// stranger. Kernel threads are not.

/** One process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Its process group: a shell's job, which every child not started in a group of its own stays in. */
  pgrp: number;
  command: string;
  /** The CPUs its main thread may run on, as a set of core numbers. */
  cpus: number[];
  /** User + system CPU time so far, in seconds. */
  cpu_s: number;
  kernel: boolean;
}

/** A process outside the benchmark's family that may take CPU from what it measures. */
export interface Stranger {
  pid: number;
  command: string;
  /** Its CPU list, as Linux writes it. */
  cpus: string;
  pinned: boolean;
  /** The share of one core it used between the two checks (0–n). */
  busy: number;
}

/** "0-2,5" → [0, 1, 2, 5]. */
export function parseCpuList(list: string): number[] {
  const cores = new Set<number>();
  for (const part of list.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const [from, to = from] = part.split("-").map(Number) as [number, number?];
    if (!Number.isInteger(from) || !Number.isInteger(to) || to! < from) throw new Error(`not a CPU list: ${list}`);
    for (let core = from; core <= to!; core++) cores.add(core);
  }
  return [...cores].sort((a, b) => a - b);
}

/**
 * The pids of `self`'s family: itself, its ancestors, every descendant, and every process in its process group. The
 * group holds a grandchild whose parent has exited (one measured tool's esbuild service, orphaned on its way out);
 * another shell job's processes, such as a probe's leftovers, are in groups of their own.
 */
export function family(processes: readonly ProcessInfo[], self: number): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const group = byPid.get(self)?.pgrp;
  const members = new Set(processes.filter((p) => group !== undefined && p.pgrp === group).map((p) => p.pid));
  const ancestors = new Set<number>();
  for (let pid: number | undefined = self; pid !== undefined && pid > 0 && !ancestors.has(pid); pid = byPid.get(pid)?.ppid)
    ancestors.add(pid);
  for (const pid of ancestors) members.add(pid);
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const queue = [self];
  while (queue.length > 0)
    for (const child of children.get(queue.pop()!) ?? [])
      if (!members.has(child)) {
        members.add(child);
        queue.push(child);
      }
  return members;
}

export interface StrangerRule {
  /** The cores the benchmark measures on. */
  measuredCores: readonly number[];
  /** Every online core: a process allowed on all of them is not pinned. */
  allCores: readonly number[];
  /** The share of one core above which an unpinned process counts (between two checks). */
  busyShare: number;
}

/**
 * The strangers between two readings `seconds` apart. A process that started after the first reading is charged
 * with all its CPU time; one that ended before the second is not seen (the check has no view of short-lived ones).
 */
export function findStrangers(
  before: ReadonlyMap<number, number>,
  after: readonly ProcessInfo[],
  self: number,
  seconds: number,
  rule: StrangerRule,
): Stranger[] {
  const own = family(after, self);
  const strangers: Stranger[] = [];
  for (const p of after) {
    if (p.kernel || own.has(p.pid)) continue;
    // Never below 0: a pid reused by a newer process has less CPU time than the one it replaced.
    const busy = seconds > 0 ? Math.max(0, p.cpu_s - (before.get(p.pid) ?? 0)) / seconds : 0;
    const pinned = p.cpus.length < rule.allCores.length && p.cpus.some((core) => rule.measuredCores.includes(core));
    if (pinned || busy > rule.busyShare)
      strangers.push({ pid: p.pid, command: p.command, cpus: compactList(p.cpus), pinned, busy: Math.round(busy * 1000) / 1000 });
  }
  return strangers;
}

const compactList = (cores: readonly number[]) => cores.join(",");

/** Every process now; ones that end while being read are left out. */
export function readProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(.*)$`, "m"))?.[1]?.trim() ?? "";
      const ppid = Number(field("PPid"));
      // /proc/<pid>/stat after the command name: state, ppid, pgrp, …
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const pgrp = Number(stat.slice(stat.lastIndexOf(") ") + 2).split(" ")[2]);
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      // Kernel threads have no command line and descend from kthreadd (pid 2); each is pinned to its core by design.
      const kernel = pid === 2 || ppid === 2;
      processes.push({
        pid,
        ppid,
        pgrp,
        command: (command || field("Name")).slice(0, 160),
        cpus: parseCpuList(field("Cpus_allowed_list")),
        cpu_s: cpuSeconds(pid),
        kernel,
      });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return processes;
}

/** One check's finding, for the report. */
export interface StrangerCheck {
  at: string;
  seconds: number;
  strangers: Stranger[];
}

/**
 * Watches for strangers from now on: each `check` reports those since the previous one. The benchmark checks before
 * it starts anything (and refuses to run if it finds one), then at each phase and fixed-rate round.
 */
export function strangerWatch(self = process.pid, measuredCores: readonly number[] = [0, 1], busyShare = 0.05) {
  const rule: StrangerRule = { measuredCores, allCores: cpus().map((_, core) => core), busyShare };
  const cpuOf = (processes: readonly ProcessInfo[]) => new Map(processes.map((p) => [p.pid, p.cpu_s]));
  let last = cpuOf(readProcesses());
  let lastAt = performance.now();
  const checks: StrangerCheck[] = [];
  return {
    rule,
    checks,
    check(at: string): StrangerCheck {
      const now = performance.now();
      const processes = readProcesses();
      const check = {
        at,
        seconds: Math.round(now - lastAt) / 1000,
        strangers: findStrangers(last, processes, self, (now - lastAt) / 1000, rule),
      };
      [last, lastAt] = [cpuOf(processes), now];
      checks.push(check);
      return check;
    },
  };
}

/** A stranger in one line, for the log. */
export const describeStranger = (s: Stranger) =>
  `pid ${s.pid} (${s.command.slice(0, 80)}): ${s.pinned ? `pinned to ${s.cpus}, ` : ""}${Math.round(s.busy * 100)}% of a core`;

/**
 * The benchmark's guard: watches from now on, and exits (code 3) if a stranger is there before anything starts, unless
 * BENCH_ALLOW_STRANGERS=1 (the report then lists it). `watch(at)` logs and returns the strangers since the last check.
 */
export async function guardAgainstStrangers(log: (message: string) => void) {
  const strangers = strangerWatch();
  await new Promise((resolve) => setTimeout(resolve, 1000));
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
