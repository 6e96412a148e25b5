import { Agent, request } from "undici";

export interface FixedRateOptions {
  url: string;
  body: string;
  headers: () => Record<string, string>;
  rate: number;
  durationSeconds: number;
}

export interface FixedRateResult {
  p50_ms: number;
  p99_ms: number;
  requests: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * An open-loop load at a fixed rate: requests leave at even intervals whether
 * or not earlier ones have returned, so latency is measured without the
 * bursts a per-second budget makes, and without coordinated omission.
 */
export async function measureFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let failures = 0;
  const send = async () => {
    const started = performance.now();
    try {
      const response = await request(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers() },
        body: options.body,
        dispatcher: agent,
      });
      await response.body.dump();
      if (response.statusCode !== 200) failures++;
      else latencies.push(performance.now() - started);
    } catch {
      failures++;
    }
  };
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const begin = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + i * interval - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send());
  }
  await Promise.all(inFlight);
  await agent.close();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    requests: latencies.length + failures,
    failures,
  };
}
