import { Agent, request } from "undici";

export interface FixedRateOptions {
  url: string;
  body: string;
  headers: () => Record<string, string>;
  rate: number;
  durationSeconds: number;
}

export interface FixedRateResult {
  /** Latency of each answered request, from the time it was scheduled to leave (ms), ascending. */
  latencies_ms: number[];
  /** Requests answered with 200. */
  answered: number;
  failures: number;
  /** How late requests left, against their schedule: the 99th percentile and the worst (ms). */
  slip_p99_ms: number;
  slip_max_ms: number;
}

/**
 * An open-loop load at a fixed rate: request i is scheduled at start + i/rate
 * and leaves then whether or not earlier ones have returned. Latency counts
 * from the scheduled time, not from when the request actually left, so a
 * stalled load generator or gateway shows as latency instead of hiding it
 * (coordinated omission); the slip itself is reported too.
 */
export async function measureFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  const slips: number[] = [];
  let failures = 0;
  const send = async (scheduled: number) => {
    slips.push(performance.now() - scheduled);
    try {
      const response = await request(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers() },
        body: options.body,
        dispatcher: agent,
      });
      await response.body.dump();
      if (response.statusCode !== 200) failures++;
      else latencies.push(performance.now() - scheduled);
    } catch {
      failures++;
    }
  };
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const begin = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const scheduled = begin + i * interval;
    const wait = scheduled - performance.now();
    // Timers are not finer than a millisecond: requests due sooner leave at once, their small slip measured.
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(scheduled));
  }
  await Promise.all(inFlight);
  await agent.close();
  latencies.sort((a, b) => a - b);
  slips.sort((a, b) => a - b);
  return {
    latencies_ms: latencies,
    answered: latencies.length,
    failures,
    slip_p99_ms: Math.round((slips[Math.floor(slips.length * 0.99)] ?? 0) * 100) / 100,
    slip_max_ms: Math.round((slips.at(-1) ?? 0) * 100) / 100,
  };
}
