import { Agent, request } from "undici";
import { failedSubgraph } from "./load.js";

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

/** When each request of an open-loop load left against its schedule. */
export interface Schedule {
  /** How late each request left after its scheduled time (ms), in sending order. */
  slips_ms: number[];
}

/**
 * An open-loop schedule at a fixed rate: request i is scheduled at start + i/rate and `send(i, scheduled)` is called
 * then, whether or not earlier ones have returned (a send must not reject); resolves once every send has settled. `scheduled` is on the
 * `performance.now()` clock: a sender that counts its latency from it, not from when the request actually left, shows
 * a stalled load generator or server as latency instead of hiding it (coordinated omission).
 */
export async function atFixedRate(
  rate: number,
  durationSeconds: number,
  send: (i: number, scheduled: number) => Promise<void>,
): Promise<Schedule> {
  const slips: number[] = [];
  const interval = 1000 / rate;
  const total = Math.round(rate * durationSeconds);
  const begin = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const scheduled = begin + i * interval;
    const wait = scheduled - performance.now();
    // Timers are not finer than a millisecond: requests due sooner leave at once, their small slip measured.
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    slips.push(performance.now() - scheduled);
    const sent = send(i, scheduled).finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  return { slips_ms: slips };
}

/**
 * An open-loop load at a fixed rate (see `atFixedRate`): latency counts from
 * the scheduled time, not from when the request actually left, so a stalled
 * load generator or gateway shows as latency instead of hiding it
 * (coordinated omission); the slip itself is reported too.
 */
export async function measureFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const latencies: number[] = [];
  let failures = 0;
  const send = async (_i: number, scheduled: number) => {
    try {
      const response = await request(options.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers() },
        body: options.body,
        dispatcher: agent,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 || failedSubgraph(text)) failures++;
      else latencies.push(performance.now() - scheduled);
    } catch {
      failures++;
    }
  };
  const slips = (await atFixedRate(options.rate, options.durationSeconds, send)).slips_ms;
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
