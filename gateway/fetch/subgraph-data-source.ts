import { RemoteGraphQLDataSource } from "@apollo/gateway";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";
import { subgraphUnavailable } from "../errors.js";
import { deadlineFetcher } from "./undici-fetcher.js";

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  timeoutMs: number;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * The one place where the gateway talks to a subgraph: every fetch has a
 * deadline, and a failed fetch becomes a sanitised error that names the
 * subgraph but never its URL or response body.
 */
// A nation that is down fails every request that needs it: log the first failure of each kind, then counts.
const failures = new SampledLog(logger("fetch"), "subgraph fetch failed");

export class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly name: string;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: deadlineFetcher(options.timeoutMs) });
    this.name = options.name;
  }

  override didEncounterError(error: Error): void {
    const timedOut = isTimeout(error) || isTimeout((error as { cause?: unknown }).cause);
    failures.note(`${this.name}: ${timedOut ? "timeout" : error.name}`, { subgraph: this.name, error: error.message });
    throw subgraphUnavailable(this.name, timedOut);
  }
}
