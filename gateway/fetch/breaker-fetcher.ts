import type { Fetcher } from "@apollo/utils.fetcher";
import { logger } from "../../lib/logger.js";
import { CircuitBreaker } from "./circuit-breaker.js";

const log = logger("fetch");

/** Raised instead of a fetch while a subgraph's circuit is open; reported to the client as that subgraph being unavailable. */
export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
}

/** Whether a fetch error says the subgraph is not there: no connection, a reset, no answer in time (the deadline fetcher's timeout). */
function unreachable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError") return true;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && (/^E[A-Z]+$/.test(code) || code.startsWith("UND_ERR"))) return true;
  }
  return false;
}

/**
 * A fetcher that asks `breaker` before each fetch and tells it how the fetch
 * went. A failure is what says the nation is not there: no connection, no
 * answer in time, or a 5xx. A 4xx, GraphQL errors in a 200, or an answer the
 * fetcher itself refuses (one too large) come from a subgraph that is up: a
 * caller who asks for too much cannot open the circuit for everyone.
 */
export function breakerFetcher(breaker: CircuitBreaker, fetcher: Fetcher): Fetcher {
  return async (url, init) => {
    if (!breaker.tryAcquire()) throw new CircuitOpenError("circuit open");
    let response: Awaited<ReturnType<Fetcher>>;
    try {
      response = await fetcher(url, init);
    } catch (error) {
      if (unreachable(error)) breaker.failed();
      else breaker.succeeded();
      throw error;
    }
    if (response.status >= 500) breaker.failed();
    else breaker.succeeded();
    return response;
  };
}

/**
 * The breakers of every subgraph, by name, each made on first use and then
 * kept: a new supergraph (which makes new data sources) does not bring a dead
 * nation back. Openings and closings are logged, once each.
 */
export function breakerRegistry(options: { failures: number; cooldownMs: number }): (subgraph: string) => CircuitBreaker {
  const breakers = new Map<string, CircuitBreaker>();
  return (subgraph) => {
    let breaker = breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker({
        ...options,
        onChange: (state) =>
          state === "open"
            ? log.warn(
                { subgraph, failures: options.failures, cooldownMs: options.cooldownMs },
                "circuit opened: the subgraph is not asked until a probe succeeds",
              )
            : log.info({ subgraph }, "circuit closed: the subgraph answers again"),
      });
      breakers.set(subgraph, breaker);
    }
    return breaker;
  };
}
