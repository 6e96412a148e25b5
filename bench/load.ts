import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  body: string;
  /** Headers for the next request; called once per request, so tokens can rotate. */
  headers: () => Record<string, string>;
  durationSeconds: number;
  connections: number;
}

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Non-2xx responses, errors, timeouts and answers with a failed subgraph fetch: a variant with failures is reported, not hidden. */
  failures: number;
}

/**
 * Whether a 200 answer says a subgraph fetch failed (a timeout, an open circuit breaker): such an answer did less
 * work than the others, and a window with any is not a measure of the variant.
 */
export const failedSubgraph = (body: string) => body.includes('"SUBGRAPH_');

/** Drives one URL at full load with autocannon (closed loop) and returns throughput and latency. */
export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  let subgraphFailures = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: "POST",
        body: options.body,
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          headers: { ...request.headers, "content-type": "application/json", ...options.headers() },
        }),
        onResponse: (status: number, body: string) => {
          if (status === 200 && failedSubgraph(body)) subgraphFailures++;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts + subgraphFailures,
  };
}
