import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agreement, compareReports } from "../../bench/compare.js";
import { measureFixedRate } from "../../bench/fixed-rate.js";
import { measureLoad } from "../../bench/load.js";
import { fixedRoundOrder, pairedValues } from "../../bench/pairing.js";
import { coreTimes, coreUse, cpuSeconds, peakRssMb, rssMb, threadCpuLists } from "../../bench/proc.js";
import { fixedRate } from "../../bench/rate.js";
import { buildReport, table } from "../../bench/report.js";
import { estimate, median, percentile, relativeHalfWidth } from "../../bench/stats.js";
import type { BenchVariant } from "../../bench/variants.js";
import type { WindowResult } from "../../bench/window.js";

// The benchmark itself is not part of npm test; this keeps its harness from rotting.
describe("the benchmark harness", () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  /** What the server answers: an answer whose subgraph fetch failed is a 200 too. */
  let answer = '{"data":{"ok":true}}';

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("drives a server for about a second and reports throughput and latency, rotating headers per request", async () => {
    let n = 0;
    const result = await measureLoad({
      url,
      body: "{}",
      headers: () => ({ authorization: `token-${n++ % 3}` }),
      durationSeconds: 1,
      connections: 2,
    });
    expect(result.requests).toBeGreaterThan(10);
    expect(result.rps).toBeGreaterThan(0);
    expect(result.p50_ms).toBeLessThanOrEqual(result.p99_ms);
    expect(result.failures).toBe(0);
    expect(new Set(seen)).toEqual(new Set(["token-0", "token-1", "token-2"]));
  });

  it("measures a fixed rate from each request's scheduled time, so a stalled load generator shows as latency", async () => {
    // The load generator's own event loop stalls for 200 ms from 100 ms in: the requests due meanwhile leave late.
    setTimeout(() => {
      const until = performance.now() + 200;
      while (performance.now() < until);
    }, 100);
    const result = await measureFixedRate({ url, body: "{}", headers: () => ({}), rate: 100, durationSeconds: 0.6 });
    expect(result.answered).toBe(60);
    expect(result.failures).toBe(0);
    expect(result.slip_max_ms).toBeGreaterThanOrEqual(150);
    // Measured from the actual send they would all be fast; from the schedule, the ones due during the stall are not.
    expect(result.latencies_ms.filter((ms) => ms >= 100).length).toBeGreaterThanOrEqual(10);
    expect(result.latencies_ms).toEqual([...result.latencies_ms].sort((a, b) => a - b));
  });

  it("counts a 200 that says a subgraph fetch failed as a failure, at full load and at the fixed rate, and a withheld field not", async () => {
    try {
      answer = '{"data":{"a":null},"errors":[{"path":["a"],"extensions":{"code":"SUBGRAPH_TIMEOUT"}}]}';
      const load = await measureLoad({ url, body: "{}", headers: () => ({}), durationSeconds: 0.5, connections: 2 });
      expect(load.failures).toBe(load.requests);
      const fixed = await measureFixedRate({ url, body: "{}", headers: () => ({}), rate: 50, durationSeconds: 0.4 });
      expect([fixed.failures, fixed.answered]).toEqual([20, 0]);
      answer = '{"data":{"a":null},"errors":[{"path":["a"],"extensions":{"code":"FORBIDDEN_FIELD"}}]}';
      expect((await measureFixedRate({ url, body: "{}", headers: () => ({}), rate: 50, durationSeconds: 0.4 })).failures).toBe(0);
    } finally {
      answer = '{"data":{"ok":true}}';
    }
  });

  it("estimates a median with a bootstrap interval that holds it, the same every time", () => {
    const values = [1.02, 0.98, 1.01, 1.05, 0.99, 1.0, 1.03, 0.97, 1.04, 1.01, 1.0, 0.99, 1.02, 1.01, 1.0];
    const e = estimate(values)!;
    expect(e.median).toBe(median(values));
    expect(e.pairs).toBe(15);
    expect(e.ci95[0]).toBeLessThanOrEqual(e.median);
    expect(e.ci95[1]).toBeGreaterThanOrEqual(e.median);
    expect(e.ci95[1] - e.ci95[0]).toBeLessThan(0.05);
    expect(estimate(values)).toEqual(e);
    expect(relativeHalfWidth({ median: 2, ci95: [1.9, 2.1], pairs: 3 })).toBeCloseTo(0.05);
    expect(estimate([])).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
  });

  it("reads CPU time, memory and thread pinning from /proc", () => {
    const before = cpuSeconds(process.pid);
    const until = Date.now() + 120;
    while (Date.now() < until) Math.sqrt(Math.random());
    expect(cpuSeconds(process.pid)).toBeGreaterThan(before);
    expect(rssMb(process.pid)).toBeGreaterThan(10);
    expect(peakRssMb(process.pid)).toBeGreaterThanOrEqual(rssMb(process.pid) - 1);
    expect(threadCpuLists("self").length).toBeGreaterThanOrEqual(1);
    const times = coreTimes();
    expect(times.cores.length).toBeGreaterThanOrEqual(1);
    expect(coreUse(times, coreTimes(), 0).busy).toBeGreaterThanOrEqual(0);
  });

  it("pairs T with B round by round, skips rejected windows, and reports the contract's keys", () => {
    const window = (variant: string, round: number, cpu: number, extra: Partial<WindowResult> = {}): WindowResult => ({
      variant,
      query: "typical",
      kind: "fixed",
      round,
      position: 0,
      seconds: 2,
      answered: 400,
      failures: 0,
      cpu_s: (cpu * 400) / 1e6,
      cpu_us_per_request: cpu,
      gateway_cores: 0.3,
      core1_busy: 0.4,
      steal: 0,
      fetches_per_request: 6,
      rps: 200,
      rss_mb: variant === "B" ? 100 : 110,
      p50_ms: variant === "B" ? 2 : 2.4,
      p90_ms: 3,
      p99_ms: 5,
      rejected: [],
      ...extra,
    });
    const windows = [
      window("B", 0, 1000),
      window("T-allow", 0, 1100),
      window("B", 1, 2000),
      window("T-allow", 1, 2100),
      window("B", 2, 1000),
      window("T-allow", 2, 9000, { rejected: ["core 1 0.9 busy"] }),
    ];
    const variants = ["B", "T-allow"].map((name) => ({ name, description: name }) as BenchVariant);
    const input = {
      settings: {},
      queries: ["typical"],
      variants,
      windows,
      cpuRatios: { typical: { "T-allow/B": estimate([1.1, 1.05]) } },
      cacheCounts: { before: { "T-allow": { token_cache_hits: 5 }, B: null }, after: { "T-allow": { token_cache_hits: 9 }, B: null } },
      peaks: { B: 120, "T-allow": 130 },
      shape: {},
      micro: null,
      secondLock: null,
      startup: { cold_s: 20, warm_s: 8 },
    };
    const report = buildReport(input);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        "cpu_ratios",
        "throughput_ratios",
        "latency_delta_ms",
        "rss_ratio",
        "startup_s",
        "fetches_per_request",
        "token_cache_hits",
      ]),
    );
    expect(report.cpu_ratios["T-allow/B"]).toMatchObject({ pairs: 2 });
    expect(report.cpu_ratios["T-full/B"]).toBeUndefined();
    // The rejected round (2) is left out: two pairs, each 0.4 ms slower.
    expect(report.latency_delta_ms.p50).toMatchObject({ median: 0.4, pairs: 2 });
    expect(report.rss_ratio["T-allow/B"]).toBe(1.1);
    expect(report.rss_ratio_paired["T-allow/B"]).toMatchObject({ median: 1.1, pairs: 2 });
    expect(report.token_cache_hits["T-allow"]).toEqual({ token_cache_hits: 4 });
    expect(report.token_cache_hits.B).toBeNull();
    expect(report.startup_s).toEqual({ cold: 20, warm: 8 });
    expect(report.variants.find((v) => v.variant === "T-allow")).toMatchObject({
      cpu_us_per_request: 1600,
      windows: { accepted: 2, rejected: 1 },
    });
    expect(table(report)).toContain("CPU/req T-allow/B");
    // B's CPU per request is set against the reference machine's only at the reference rate (bench/machine-speed.ts).
    expect(report.machine_speed).toMatchObject({ b_cpu_us_per_request: 1000, ratio: null });
    // No full-load window here, so no full load to compare; the processor is this machine's, as in `machine`.
    expect(report.machine_speed).toMatchObject({ b_full_load_rps: null, full_load_ratio: null, processor: report.machine.cpus });
    const atReferenceRate = buildReport({ ...input, settings: { fixed_rates: { typical: 90 } } });
    expect(atReferenceRate.machine_speed).toMatchObject({ b_cpu_us_per_request: 1000, ratio: 0.493, slower: false });
    expect(table(atReferenceRate)).toContain("0.493× the reference machine's 2028");
  });
});

describe("comparing two full runs", () => {
  const e = (median: number, lo: number, hi: number, pairs = 15) => ({ median, ci95: [lo, hi] as [number, number], pairs });

  it("says two estimates agree only when each median lies within the other's interval", () => {
    expect(agreement(e(1.1, 1.0, 1.2), e(1.15, 1.05, 1.25))).toBe("agree");
    expect(agreement(e(1.1, 1.0, 1.2), e(1.2, 1.1, 1.3))).toBe("agree");
    // The second median is inside the first interval, but not the other way round.
    expect(agreement(e(1.0, 0.99, 1.01), e(1.01, 1.005, 1.3))).toBe("overlap only");
    expect(agreement(e(1.1, 1.0, 1.2), e(1.3, 1.21, 1.4))).toBe("differ");
    expect(agreement(e(1.1, 1.0, 1.2), null)).toBe("not in both");
    expect(agreement(undefined, e(1.1, 1.0, 1.2))).toBe("not in both");
  });

  it("compares every headline estimate, with each half-width, and knows when both runs were of one clean commit", () => {
    const report = (sha: string, dirty: boolean, tAllow: ReturnType<typeof e>) => ({
      generated_at: "2026-12-04T00:00:00.000Z",
      commit: { sha, dirty },
      cpu_ratios: { "T-allow/B": tAllow },
      throughput_ratios: { "T-full/H": e(2, 1.9, 2.1, 5) },
      latency_delta_ms: { p50: e(0.2, -0.1, 0.5) },
      rss_ratio_paired: { "T-allow/B": null },
    });
    const { sameCommit, rows } = compareReports(report("abc", false, e(1.1, 1.0, 1.2)), report("abc", false, e(1.3, 1.25, 1.35)));
    expect(sameCommit).toBe(true);
    expect(rows.map((row) => [row.figure, row.agreement])).toEqual([
      ["CPU T-allow/B", "differ"],
      ["throughput T-full/H", "agree"],
      ["latency delta p50 (ms)", "agree"],
      ["RSS T-allow/B (paired)", "not in both"],
    ]);
    expect(rows[0]!.half_widths).toEqual([0.091, 0.038]);
    expect(rows[3]!.half_widths).toEqual([null, null]);
    expect(compareReports(report("abc", false, e(1, 1, 1)), report("abd", false, e(1, 1, 1))).sameCommit).toBe(false);
    expect(compareReports(report("abc", true, e(1, 1, 1)), report("abc", false, e(1, 1, 1))).sameCommit).toBe(false);
    expect(compareReports({ ...report("abc", false, e(1, 1, 1)), commit: null }, report("abc", false, e(1, 1, 1))).sameCommit).toBeNull();
  });

  it("knows whether both runs were measured at the same fixed rates", () => {
    const report = (fixed_rates?: Record<string, number>) => ({
      generated_at: "2026-12-04T00:00:00.000Z",
      cpu_ratios: {},
      throughput_ratios: {},
      latency_delta_ms: {},
      ...(fixed_rates ? { settings: { fixed_rates } } : {}),
    });
    const rates = { typical: 90, small: 300, large: 90 };
    expect(compareReports(report(rates), report({ ...rates })).rates?.headline.same).toBe(true);
    expect(compareReports(report(rates), report({ ...rates })).rates?.other_queries_differing).toEqual([]);
    expect(compareReports(report(rates), report({ ...rates, typical: 154 })).rates?.headline).toEqual({
      query: "typical",
      rates: [90, 154],
      same: false,
    });
    expect(compareReports(report(), report(rates)).rates).toBeNull();
  });

  it("judges the headline on the typical query's rate alone and names the other queries whose rates differ", () => {
    const report = (fixed_rates: Record<string, number>) => ({
      generated_at: "2026-12-05T00:00:00.000Z",
      cpu_ratios: {},
      throughput_ratios: {},
      latency_delta_ms: {},
      settings: { fixed_rates },
    });
    // Runs C and D of 2026-12-05: the small and large rates lowered differently on a slow machine, the typical one not.
    const lowered = compareReports(report({ small: 300, typical: 90, large: 90 }), report({ small: 280, typical: 90, large: 86 }));
    expect(lowered.rates).toEqual({
      headline: { query: "typical", rates: [90, 90], same: true },
      other_queries_differing: ["small", "large"],
    });
    // A query measured in one run only differs; the typical one missing from one run makes the headline not comparable.
    expect(compareReports(report({ typical: 90 }), report({ typical: 90, large: 90 })).rates?.other_queries_differing).toEqual(["large"]);
    const missing = compareReports(report({ small: 300 }), report({ typical: 90, small: 300 }));
    expect(missing.rates?.headline).toEqual({ query: "typical", rates: [null, 90], same: false });
    // Without a typical query, the headline is the first measured one, as in the report (bench/report.ts).
    expect(compareReports(report({ small: 300 }), report({ small: 300 })).rates?.headline).toEqual({
      query: "small",
      rates: [300, 300],
      same: true,
    });
  });
});

describe("pairing windows with their baselines", () => {
  const at = (variant: string, round: number, position: number, cpu: number, rejected: string[] = []) =>
    ({ variant, query: "typical", kind: "fixed", round, position, cpu_us_per_request: cpu, rejected }) as unknown as WindowResult;
  const ratio = (t: WindowResult, b: WindowResult) => t.cpu_us_per_request / b.cpu_us_per_request;

  it("pairs each window with the nearest accepted baseline window of its own round, the earlier on a tie", () => {
    const windows = [
      at("T-allow", 0, 0, 1100),
      at("B", 0, 1, 1000),
      at("T-tokens", 0, 2, 1300),
      at("T-full", 0, 3, 1600),
      at("B", 0, 4, 2000),
      at("T-attrs", 0, 5, 2200),
      // Round 1: the near B was rejected, so the far one is used; round 2 has no accepted B, so no pair.
      at("T-allow", 1, 0, 3300),
      at("B", 1, 1, 9999, ["steal 0.2"]),
      at("B", 1, 5, 3000),
      at("T-allow", 2, 0, 5000),
      at("B", 2, 1, 1000, ["1 failed requests"]),
    ];
    expect(pairedValues(windows, "fixed", "typical", ["T-allow", "B"], ratio)).toEqual([1.1, 1.1]);
    expect(pairedValues(windows, "fixed", "typical", ["T-attrs", "B"], ratio)).toEqual([1.1]);
    // Position 2 is one from the first B and two from the second; position 3 is one from the second.
    expect(pairedValues(windows, "fixed", "typical", ["T-tokens", "B"], ratio)).toEqual([1.3]);
    expect(pairedValues(windows, "fixed", "typical", ["T-full", "B"], ratio)).toEqual([0.8]);
    const tie = [at("B", 0, 0, 1000), at("T-allow", 0, 1, 1500), at("B", 0, 2, 3000)];
    expect(pairedValues(tie, "fixed", "typical", ["T-allow", "B"], ratio)).toEqual([1.5]);
    expect(pairedValues(windows, "full", "typical", ["T-allow", "B"], ratio)).toEqual([]);
  });

  const ALL = ["B", "B-rewritten", "T-allow", "T-full", "T-noaudit", "T-redact", "T-tokens", "T-attrs"];
  const same = <T>(items: T[]) => [...items];
  const reversed = <T>(items: T[]) => [...items].reverse();

  it("measures B twice in a full round, every other variant once and at most two windows from a B", () => {
    for (const shuffle of [same, reversed]) {
      const order = fixedRoundOrder(ALL, shuffle);
      expect([...order].sort()).toEqual([...ALL, "B"].sort());
      const bs = order.flatMap((name, i) => (name === "B" ? [i] : []));
      for (const [i, name] of order.entries()) {
        if (["B", "T-redact", "B-rewritten"].includes(name)) continue;
        expect(Math.min(...bs.map((b) => Math.abs(b - i))), `${name} in ${order}`).toBeLessThanOrEqual(2);
      }
      // T-redact beside its own baseline, at one end of the round.
      expect(Math.abs(order.indexOf("T-redact") - order.indexOf("B-rewritten"))).toBe(1);
      expect([0, order.length - 2]).toContain(Math.min(order.indexOf("T-redact"), order.indexOf("B-rewritten")));
    }
    // Five singles: one, then three, then one, between the two B windows.
    expect(fixedRoundOrder(ALL, same)).toEqual([
      "T-redact",
      "B-rewritten",
      "T-allow",
      "B",
      "T-full",
      "T-noaudit",
      "T-tokens",
      "B",
      "T-attrs",
    ]);
  });

  it("measures every variant once, in the shuffled order, in a round too small for two B windows", () => {
    expect(fixedRoundOrder(["B", "T-allow", "T-full"], reversed)).toEqual(["T-full", "T-allow", "B"]);
    expect(fixedRoundOrder(["T-allow", "T-full", "T-tokens", "T-attrs", "T-redact"], same)).toEqual([
      "T-allow",
      "T-full",
      "T-tokens",
      "T-attrs",
      "T-redact",
    ]);
  });
});

describe("the fixed rate", () => {
  it("is the constant while the slowest variant could carry it at the share", () => {
    expect(fixedRate(90, 400, 0.4)).toEqual({ rate: 90, bound: 160, lowered: false });
    expect(fixedRate(90, 225, 0.4)).toEqual({ rate: 90, bound: 90, lowered: false });
  });

  it("is lowered to the bound, and says so, when the slowest variant could not", () => {
    expect(fixedRate(90, 224, 0.4)).toEqual({ rate: 89, bound: 89, lowered: true });
    expect(fixedRate(90, 1, 0.4)).toEqual({ rate: 1, bound: 1, lowered: true });
  });

  it("is the constant when no variant was measured at full load, and refuses a rate of nothing", () => {
    expect(fixedRate(90, Number.POSITIVE_INFINITY, 0.4)).toEqual({ rate: 90, bound: null, lowered: false });
    expect(() => fixedRate(0, 400, 0.4)).toThrow(/above 0/);
    expect(() => fixedRate(Number.NaN, 400, 0.4)).toThrow(/above 0/);
  });
});
