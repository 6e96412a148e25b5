import { RemoteGraphQLDataSource } from "@apollo/gateway";
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
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly name: string;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: deadlineFetcher(options.timeoutMs) });
    this.name = options.name;
  }

  override didEncounterError(error: Error): void {
    const timedOut = isTimeout(error) || isTimeout((error as { cause?: unknown }).cause);
    console.error(`[gateway] subgraph ${this.name} fetch failed: ${error.message}`);
    throw subgraphUnavailable(this.name, timedOut);
  }
}
