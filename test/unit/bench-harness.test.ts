import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measureLoad } from "../../bench/load.js";
import { type Run, ratios, summarise, table } from "../../bench/report.js";

// The benchmark itself is not part of npm test; this keeps its harness from rotting.
describe("the benchmark harness", () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(String(req.headers.authorization));
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"ok":true}}'));
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

  it("summarises repeated runs into medians and the ratios the report promises", () => {
    const run = (rps: number, p99: number): Run => ({
      round: 0,
      rps,
      p50_ms: 1,
      p99_ms: p99,
      failures: 0,
      half_load: { rate: 50, p50_ms: 1, p99_ms: p99, failures: 0 },
    });
    const results = [
      summarise("B", "typical", [run(100, 10), run(110, 12)], 200),
      summarise("T-allow", "typical", [run(95, 11), run(99, 13)], 220),
      summarise("T-redact", "typical", [run(120, 9)], 220),
      summarise("T-tokens", "typical", [run(90, 9)], 220),
      summarise("T-attrs", "typical", [run(86, 9)], 220),
      summarise("H", "typical", [run(70, 20)], 300),
    ];
    expect(results[0]).toMatchObject({
      variant: "B",
      query: "typical",
      rps: 105,
      p99_ms: 11,
      half_load_p99_ms: 11,
      rss_mb: 200,
      rps_spread: [100, 110],
    });
    const r = ratios(results, "typical");
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining([
        "T-allow/B",
        "T-redact/B",
        "T-tokens/B",
        "T-attrs/B",
        "T-allow/H",
        "p99-delta-ms-half-load",
        "RSS T-allow/B",
      ]),
    );
    expect(r["T-allow/B"]).toBe(0.92);
    expect(r["p99-delta-ms-half-load"]).toBe(1);
    expect(r["RSS T-allow/B"]).toBe(1.1);
    expect(table(results).split("\n")).toHaveLength(2 + results.length);
  });
});
