// Other processes on the benchmark's cores: who counts as one (the rules, apart from reading /proc, which is in
// stranger-watch.ts). A run once shared core 0 with 15 idle gateways a probe had left behind: they used about 8% of
// it, raised T-full/B from about 1.7 to 1.92, and nothing noticed. The benchmark's own family is expected; every
// other process with a thread pinned to a measured core, or that used (with the children it waited for) more than a
// small share of a core between two checks, is a stranger. Kernel threads and zombies are not.

/** One process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Its process group: a shell's job, which every child not started in a group of its own stays in. */
  pgrp: number;
  /** When it started, in clock ticks since boot: with the pid, it names one process even when pids are reused. */
  start: number;
  /** Its short name (`Name` in /proc/<pid>/status): never its command line, which may hold secrets. */
  name: string;
  /** The CPUs each of its threads may run on, each as a list of core numbers. */
  threadCpus: number[][];
  /** User + system CPU time so far, its own and that of the children it has waited for, in seconds. */
  cpu_s: number;
  kernel: boolean;
  /** A zombie (or dead) process: it runs nothing. */
  defunct: boolean;
}

/** A process outside the benchmark's family that may take CPU from what it measures. */
export interface Stranger {
  pid: number;
  name: string;
  /** The CPU list of its most restricted thread, as core numbers joined by commas. */
  cpus: string;
  pinned: boolean;
  /** The share of one core it (and the children it waited for) used between the two checks (0–n). */
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

/** The key of one process over time: pid and start, so that a reused pid is another process. */
export const processKey = (p: Pick<ProcessInfo, "pid" | "start">) => `${p.pid}@${p.start}`;

/**
 * The pids of `self`'s family: itself, its ancestors, every descendant, and every process of its process group that
 * started after it. The group holds a grandchild whose parent has exited (one measured tool's esbuild service,
 * orphaned on its way out); a process of the group that was there before the benchmark (a shell script's earlier
 * background job) is not its own, and neither is another shell job's, in a group of its own.
 */
export function family(processes: readonly ProcessInfo[], self: number): Set<number> {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const me = byPid.get(self);
  const members = new Set(me === undefined ? [] : processes.filter((p) => p.pgrp === me.pgrp && p.start >= me.start).map((p) => p.pid));
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
  /** Every core this machine (or container) lets a process run on: a thread allowed on all of them is not pinned. */
  allCores: readonly number[];
  /** The share of one core above which an unpinned process counts (between two checks). */
  busyShare: number;
}

/** A thread's CPU list pins it to a measured core: some available core is missing from it, and a measured one is in it. */
const pinnedList = (cpus: readonly number[], rule: StrangerRule) =>
  rule.allCores.some((core) => !cpus.includes(core)) && cpus.some((core) => rule.measuredCores.includes(core));

/**
 * The strangers between two readings `seconds` apart (`before`: CPU seconds by processKey). A process that started
 * after the first reading is charged with all its CPU time; one that started and ended between the two readings is
 * not seen, nor are children it has not waited for.
 */
export function findStrangers(
  before: ReadonlyMap<string, number>,
  after: readonly ProcessInfo[],
  self: number,
  seconds: number,
  rule: StrangerRule,
): Stranger[] {
  const own = family(after, self);
  const strangers: Stranger[] = [];
  for (const p of after) {
    if (p.kernel || p.defunct || own.has(p.pid)) continue;
    const busy = seconds > 0 ? Math.max(0, p.cpu_s - (before.get(processKey(p)) ?? 0)) / seconds : 0;
    const pinnedThread = p.threadCpus.find((cpus) => pinnedList(cpus, rule));
    if (pinnedThread !== undefined || busy > rule.busyShare)
      strangers.push({
        pid: p.pid,
        name: p.name,
        cpus: (pinnedThread ?? p.threadCpus[0] ?? []).join(","),
        pinned: pinnedThread !== undefined,
        busy: Math.round(busy * 1000) / 1000,
      });
  }
  return strangers;
}

/** A stranger in one line, for the log. */
export const describeStranger = (s: Stranger) =>
  `pid ${s.pid} (${s.name}): ${s.pinned ? `a thread pinned to ${s.cpus}, ` : ""}${Math.round(s.busy * 100)}% of a core`;
