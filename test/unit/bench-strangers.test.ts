import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { compareReports } from "../../bench/compare.js";
import { buildReport, table } from "../../bench/report.js";
import { availableCores, readProcesses, strangerWatch } from "../../bench/stranger-watch.js";
import { family, findStrangers, type ProcessInfo, parseCpuList, processKey, type StrangerRule } from "../../bench/strangers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const rule: StrangerRule = { measuredCores: [0, 1], allCores: [0, 1], busyShare: 0.05 };
const proc = (pid: number, ppid: number, cpus: number[], cpu_s: number, more: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  ppid,
  pgrp: pid,
  start: 1000,
  name: `p${pid}`,
  threadCpus: [cpus],
  cpu_s,
  kernel: false,
  defunct: false,
  ...more,
});
const at = (p: ProcessInfo, cpu_s: number) => new Map([[processKey(p), cpu_s]]);

describe("other processes on the benchmark's cores", () => {
  it("reads Linux CPU lists", () => {
    expect(parseCpuList("0-1")).toEqual([0, 1]);
    expect(parseCpuList("0")).toEqual([0]);
    expect(parseCpuList("3,0-1,7-8")).toEqual([0, 1, 3, 7, 8]);
    expect(() => parseCpuList("2-1")).toThrow(/not a CPU list/);
    expect(() => parseCpuList("a")).toThrow(/not a CPU list/);
  });

  it("counts the benchmark's ancestors and descendants as its own, and nothing else", () => {
    // 1 → 10 (npm) → 11 (the benchmark) → 12 (a gateway) → 13 (its worker); 1 → 20 (someone else's) → 21.
    const all = [proc(1, 0, [0, 1], 0), proc(10, 1, [0, 1], 0), proc(11, 10, [1], 0), proc(12, 11, [0], 0), proc(13, 12, [0], 0)];
    const others = [proc(20, 1, [0, 1], 0), proc(21, 20, [0], 0)];
    expect([...family([...all, ...others], 11)].sort((a, b) => a - b)).toEqual([1, 10, 11, 12, 13]);
    // A gateway whose parent died is adopted by pid 1: no longer the benchmark's, as the probe's leftovers were not.
    expect(family([...all, proc(30, 1, [0], 0)], 11).has(30)).toBe(false);
  });

  it("counts an orphan of its process group as its own only if it started after the benchmark", () => {
    // The benchmark (11, started at 1000) is in group 10, its shell job's.
    const self = proc(11, 10, [1], 0, { pgrp: 10 });
    const esbuild = proc(31, 1, [0], 0, { pgrp: 10, start: 1500 }); // a measured tool's service, outliving its parent
    const earlier = proc(33, 1, [0], 0, { pgrp: 10, start: 900 }); // the same script's background job, from before
    const probe = proc(32, 1, [0], 0, { pgrp: 32, start: 1500 }); // another shell job's
    const found = findStrangers(new Map(), [proc(10, 1, [0, 1], 0, { pgrp: 10 }), self, esbuild, earlier, probe], 11, 1, rule);
    expect(found.map((s) => s.pid)).toEqual([33, 32]);
    // With the benchmark itself not found, nobody joins its family by group.
    expect(family([esbuild], 11).has(31)).toBe(false);
  });

  it.each([
    ["an own gateway pinned to core 0 and busy", proc(12, 11, [0], 9), []],
    ["a kernel thread pinned to core 0", proc(14, 2, [0], 5, { kernel: true }), []],
    ["a zombie pinned to core 0", proc(15, 1, [0], 5, { defunct: true }), []],
    ["an idle process allowed on every core", proc(40, 1, [0, 1], 0.2), []],
    ["an idle process pinned to core 0 (the probe's leftovers)", proc(41, 1, [0], 0), [{ pid: 41, pinned: true, busy: 0 }]],
    ["one pinned to core 1", proc(42, 1, [1], 0), [{ pid: 42, pinned: true, busy: 0 }]],
    [
      "one whose main thread is free but a worker is pinned",
      proc(46, 1, [0, 1], 0, { threadCpus: [[0, 1], [0]] }),
      [{ pid: 46, pinned: true, busy: 0 }],
    ],
    ["a busy process allowed on every core", proc(43, 1, [0, 1], 0.7), [{ pid: 43, pinned: false, busy: 0.5 }]],
    ["one just above the busy share", proc(44, 1, [0, 1], 0.2625), [{ pid: 44, pinned: false, busy: 0.063 }]],
    ["one at the busy share", proc(45, 1, [0, 1], 0.25), []],
  ])("%s", (_, p, expected) => {
    // 0.2 s of CPU at the first reading, a quarter of a second's checks apart (exact in binary: 0.05 × 4 s is 0.2 … 0.25).
    const self = proc(11, 10, [1], 0);
    const before = new Map([
      [processKey(p), 0.2],
      [processKey(proc(12, 11, [0], 0)), 1],
    ]);
    const found = findStrangers(before, [proc(10, 1, [0, 1], 0), self, p], 11, 1, rule);
    expect(found.map(({ pid, pinned, busy }) => ({ pid, pinned, busy }))).toEqual(expected);
  });

  it("charges a process that started after the first reading with all its CPU time, and a reused pid as a new process", () => {
    expect(findStrangers(new Map(), [proc(50, 1, [0, 1], 0.3)], 11, 2, rule)).toMatchObject([{ pid: 50, busy: 0.15 }]);
    // Pid 51 was another process at the first reading, with 5 s of CPU; the one now has used 0.3 s in all.
    const before = at(proc(51, 1, [0, 1], 0, { start: 10 }), 5);
    expect(findStrangers(before, [proc(51, 1, [0, 1], 0.3, { start: 20 })], 11, 2, rule)).toMatchObject([{ pid: 51, busy: 0.15 }]);
  });

  it("on a machine of four cores, a process kept off the measured cores is not a stranger", () => {
    const wide = { ...rule, allCores: [0, 1, 2, 3] };
    expect(findStrangers(new Map(), [proc(60, 1, [2, 3], 0)], 11, 1, wide)).toEqual([]);
    expect(findStrangers(new Map(), [proc(61, 1, [1, 2], 0)], 11, 1, wide)).toMatchObject([{ pid: 61, pinned: true }]);
    // A list naming an offline core (4) but missing an online one (3) is still pinned.
    expect(findStrangers(new Map(), [proc(62, 1, [0, 1, 2, 4], 0)], 11, 1, wide)).toMatchObject([{ pid: 62, pinned: true }]);
  });
});

describe("watching the real machine", () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started)
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
  });
  /**
   * Starts `command` through a shell that exits at once, so that it is adopted by pid 1: not this process's child.
   * In a session of its own (setsid), as another shell job's process is, unless `sameGroup`.
   */
  const orphan = (command: string, sameGroup = false) => {
    const line = `${sameGroup ? "" : "setsid "}${command} >/dev/null 2>&1 & echo $!`;
    const pid = Number(execFileSync("sh", ["-c", line], { encoding: "utf8" }).trim());
    started.push(pid);
    return pid;
  };
  const spin = (ms: number) => `${process.execPath} -e "const end = Date.now() + ${ms}; while (Date.now() < end);"`;

  it("reads kernel threads as such, and knows the cores a process here may use", () => {
    const processes = readProcesses();
    expect(processes.find((p) => p.pid === 2)?.kernel).toBe(true);
    expect(processes.filter((p) => p.ppid === 2).every((p) => p.kernel)).toBe(true);
    const me = processes.find((p) => p.pid === process.pid)!;
    expect(me.kernel).toBe(false);
    expect(me.threadCpus.length).toBeGreaterThan(1);
    expect(availableCores()).toEqual(parseCpuList("0-1"));
  });

  it("sees an orphan pinned to core 0, a busy one and a shell busy through its children, but not its own", async () => {
    const watch = strangerWatch(process.pid, [0, 1], 0.05);
    const pinned = orphan("taskset -c 0 sleep 30");
    const ownOrphan = orphan("taskset -c 0 sleep 30", true);
    const busy = orphan(spin(5000));
    // A shell running short processes one after another: its own CPU time is nearly nothing, its children's is not.
    const loop = orphan(`sh -c 'i=0; while [ $i -lt 100 ]; do ${process.execPath} -e 0; i=$((i + 1)); done'`);
    const child = spawn(process.execPath, ["-e", "const end = Date.now() + 5000; while (Date.now() < end);"], { stdio: "ignore" });
    started.push(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { strangers, seconds } = watch.check("test");
    expect(seconds).toBeGreaterThan(1);
    expect(strangers.find((s) => s.pid === pinned)).toMatchObject({ pinned: true, cpus: "0", name: "sleep" });
    // Above the rule's 5% is all that makes them strangers; on a loaded machine (CI runs files side by side) a spinner
    // gets well under a whole core, so no higher figure is asked of it.
    expect(strangers.find((s) => s.pid === busy)).toMatchObject({ pinned: false, busy: expect.any(Number) });
    expect(strangers.find((s) => s.pid === busy)!.busy).toBeGreaterThan(0.05);
    expect(strangers.find((s) => s.pid === loop)).toMatchObject({ pinned: false });
    expect(strangers.find((s) => s.pid === loop)!.busy).toBeGreaterThan(0.05);
    expect(strangers.find((s) => s.pid === child.pid)).toBeUndefined();
    expect(strangers.find((s) => s.pid === ownOrphan)).toBeUndefined();
    expect(watch.checks).toHaveLength(1);
    const processes = readProcesses();
    expect(processes.find((p) => p.pid === pinned)?.ppid).not.toBe(process.pid);
    expect(processes.find((p) => p.pid === ownOrphan)?.ppid).not.toBe(process.pid);
  });

  it("refuses to start beside a stranger (exit 3, naming it), unless told to measure anyway", () => {
    const dir = mkdtempSync(join(tmpdir(), "tearline-strangers-"));
    try {
      const script = join(dir, "guard.mts");
      writeFileSync(
        script,
        `import { guardAgainstStrangers } from ${JSON.stringify(join(ROOT, "bench/stranger-watch.ts"))};\n` +
          "const guard = await guardAgainstStrangers((m) => console.error(m), 200);\nconsole.log(guard.checks.length);\n",
      );
      const pinned = orphan("taskset -c 0 sleep 30");
      const run = (env: NodeJS.ProcessEnv) =>
        spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
      const refused = run({ BENCH_ALLOW_STRANGERS: "" });
      expect(refused.status).toBe(3);
      expect(refused.stderr).toContain(`pid ${pinned} (sleep): a thread pinned to 0`);
      expect(refused.stderr).toContain("refused");
      const allowed = run({ BENCH_ALLOW_STRANGERS: "1" });
      expect(allowed.status).toBe(0);
      expect(allowed.stdout.trim()).toBe("1");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("what a report says of other processes", () => {
  const input = {
    settings: {},
    queries: ["typical"],
    variants: [],
    windows: [],
    cpuRatios: { typical: {} },
    cacheCounts: { before: {}, after: {} },
    peaks: {},
    shape: {},
    micro: null,
    secondLock: null,
    startup: null,
  };
  const stranger = { pid: 41, name: "node", cpus: "0", pinned: true, busy: 0.02 };

  it("lists only the checks that found one, and says in its table whether the figures are clean", () => {
    const clean = buildReport({ ...input, strangers: { rule, checks: [{ at: "start", seconds: 1, strangers: [] }] } });
    expect(clean.other_processes).toMatchObject({ checks: 1, seen: [], none_seen: true });
    expect(table(clean)).toContain("none seen in 1 checks");
    const checks = [
      { at: "start", seconds: 1, strangers: [] },
      { at: "full_load", seconds: 90, strangers: [stranger] },
    ];
    const dirty = buildReport({ ...input, strangers: { rule, checks } });
    expect(dirty.other_processes).toMatchObject({ checks: 2, seen: [checks[1]], none_seen: false });
    expect(table(dirty)).toContain("OTHER PROCESSES ON THE MEASURED CORES in 1 of 2 checks");
    expect(table(buildReport(input))).toContain("not checked");
  });

  it("compares two runs as clean only when both were checked and neither saw one", () => {
    const report = (other_processes?: { none_seen: boolean } | null) => ({
      generated_at: "2026-12-05T00:00:00.000Z",
      cpu_ratios: {},
      throughput_ratios: {},
      latency_delta_ms: {},
      other_processes,
    });
    expect(compareReports(report({ none_seen: true }), report({ none_seen: true })).clean).toBe(true);
    expect(compareReports(report({ none_seen: true }), report({ none_seen: false })).clean).toBe(false);
    expect(compareReports(report({ none_seen: false }), report({ none_seen: true })).clean).toBe(false);
    expect(compareReports(report(), report({ none_seen: true })).clean).toBeNull();
    expect(compareReports(report({ none_seen: true }), report(null)).clean).toBeNull();
  });
});
