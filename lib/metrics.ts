import type { HttpReply } from "./http-server.js";

/** What a bounded cache has done since start: the figures operators (and the benchmark) read to tell hits from misses. */
export interface CacheCounts {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
}

export interface MetricSample {
  /** A Prometheus metric name, such as tearline_token_cache_hits_total. */
  name: string;
  help: string;
  type: "counter" | "gauge";
  value: number;
}

/** The samples of one cache, named `tearline_<cache>_…`. */
export function cacheSamples(cache: string, counts: CacheCounts): MetricSample[] {
  return [
    {
      name: `tearline_${cache}_hits_total`,
      help: `Lookups the ${cache.replaceAll("_", " ")} answered.`,
      type: "counter",
      value: counts.hits,
    },
    {
      name: `tearline_${cache}_misses_total`,
      help: `Lookups the ${cache.replaceAll("_", " ")} missed.`,
      type: "counter",
      value: counts.misses,
    },
    { name: `tearline_${cache}_entries`, help: `Entries the ${cache.replaceAll("_", " ")} holds.`, type: "gauge", value: counts.size },
  ];
}

/** Prometheus text exposition format 0.0.4: counts only, never a label value, subject or query. */
export function metricsReply(samples: readonly MetricSample[]): HttpReply {
  const text = samples.map((s) => `# HELP ${s.name} ${s.help}\n# TYPE ${s.name} ${s.type}\n${s.name} ${s.value}\n`).join("");
  return { status: 200, json: text, headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } };
}
