import { readdirSync, readFileSync } from "node:fs";

// Everything the benchmark reads about processes and cores comes from /proc, so that it does not depend on what
// the measured process reports about itself. Linux only, as the benchmark is.

/** Linux's USER_HZ: /proc reports CPU times in these ticks. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread, exited ones included) a process has used, in seconds (10 ms resolution);
 * with `thread`, that one thread's alone (its main thread's id is the process's).
 */
export function cpuSeconds(pid: number, thread?: number): number {
  const fields = statFields(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The fields of a /proc stat file after the command name (which may itself hold spaces and parentheses), from 0:
 * state, ppid, pgrp, … utime (11), stime (12), cutime (13), cstime (14), … starttime (19).
 */
export function statFields(path: string): string[] {
  const stat = readFileSync(path, "utf8");
  return stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
}

function statusField(pid: number | "self", name: string): string {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`/proc/${pid}/status has no ${name}`);
  return line.slice(name.length + 1).trim();
}

const mb = (field: string) => Math.round((Number(field.split(/\s+/)[0]) / 1024) * 10) / 10;

/** Resident set size now, in MiB. */
export const rssMb = (pid: number): number => mb(statusField(pid, "VmRSS"));

/** The most resident memory the process has ever had (VmHWM), in MiB. */
export const peakRssMb = (pid: number): number => mb(statusField(pid, "VmHWM"));

/** The CPU list every thread of a process may run on, deduplicated (one entry when all threads agree). */
export function threadCpuLists(pid: number | "self"): string[] {
  const lists = readdirSync(`/proc/${pid}/task`).map((tid) => {
    const line = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("Cpus_allowed_list:"));
    return line?.split(":")[1]?.trim() ?? "?";
  });
  return [...new Set(lists)];
}

/** One reading of a process: when (ms on the `performance.now()` clock), its resident memory and CPU time so far. */
export interface ProcessSample {
  at_ms: number;
  rss_mb: number;
  cpu_s: number;
}

/** Reads a process every `everyMs` from now until `stop()`, which returns the readings, oldest first. */
export function sampleProcess(pid: number, everyMs: number): { samples: ProcessSample[]; stop(): ProcessSample[] } {
  const samples: ProcessSample[] = [];
  const timer = setInterval(() => samples.push({ at_ms: performance.now(), rss_mb: rssMb(pid), cpu_s: cpuSeconds(pid) }), everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Jiffies a core (or the whole machine) has spent, from /proc/stat. */
export interface CoreTimes {
  busy: number;
  total: number;
  steal: number;
}

/** The machine's times (`all`) and each core's, by core number. */
export function coreTimes(): { all: CoreTimes; cores: CoreTimes[] } {
  const parse = (line: string): CoreTimes => {
    // user nice system idle iowait irq softirq steal guest guest_nice; guests are already counted in user.
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq!;
    return { busy, total: busy + idle! + iowait! + steal!, steal: steal! };
  };
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  return {
    all: parse(lines.find((l) => l.startsWith("cpu "))!),
    cores: lines.filter((l) => /^cpu\d+ /.test(l)).map(parse),
  };
}

/** Between two readings: how busy `core` was, and the share of the machine's time stolen by the hypervisor (0–1). */
export function coreUse(before: ReturnType<typeof coreTimes>, after: ReturnType<typeof coreTimes>, core: number) {
  const b = before.cores[core]!;
  const a = after.cores[core]!;
  const total = a.total - b.total;
  const allTotal = after.all.total - before.all.total;
  return {
    busy: total > 0 ? (a.busy - b.busy) / total : 0,
    steal: allTotal > 0 ? (after.all.steal - before.all.steal) / allTotal : 0,
  };
}
