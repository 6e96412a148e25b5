import type { Fetcher, FetcherResponse } from "@apollo/utils.fetcher";
import { describe, expect, it } from "vitest";
import { breakerFetcher, breakerRegistry, CircuitOpenError } from "../../gateway/fetch/breaker-fetcher.js";
import { CircuitBreaker } from "../../gateway/fetch/circuit-breaker.js";

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const breakerWith = (time = clock(), changes: string[] = []) =>
  new CircuitBreaker({ failures: 3, cooldownMs: 5000, now: time.now, onChange: (state) => changes.push(state) });

/** A breaker opened by three failures in a row, on a clock of its own. */
function opened() {
  const time = clock();
  const changes: string[] = [];
  const breaker = breakerWith(time, changes);
  for (let i = 0; i < 3; i++) breaker.failed();
  return { time, changes, breaker };
}

describe("a subgraph's circuit breaker", () => {
  it("opens after the configured consecutive failures, not before, and a success in between starts the count again", () => {
    const changes: string[] = [];
    const breaker = breakerWith(clock(), changes);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe("open");
    expect(breaker.tryAcquire()).toBe(false);
    expect(changes).toEqual(["open"]);
  });

  it("lets one probe through after the cool-down and refuses the rest while it is out; its success closes the circuit", () => {
    const { time, changes, breaker } = opened();
    time.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(60_000);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.succeeded();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
    expect(changes).toEqual(["open", "closed"]);
  });

  it("opens again for a whole cool-down when the probe fails, without announcing it twice", () => {
    const { time, changes, breaker } = opened();
    time.advance(5000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed();
    expect(breaker.state).toBe("open");
    time.advance(4999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(changes).toEqual(["open"]);
  });

  it("is closed by a fetch that started before it opened and then succeeded: the nation is back", () => {
    const breaker = breakerWith();
    for (let i = 0; i < 4; i++) breaker.failed();
    breaker.succeeded();
    expect(breaker.state).toBe("closed");
  });
});

const response = (status: number) => ({ status, ok: status < 300 }) as FetcherResponse;

describe("the fetcher behind a breaker", () => {
  it("counts no connection, no answer in time and a 5xx as failures; a 4xx, a 200 or an answer refused here as the subgraph answering", async () => {
    let fetches = 0;
    let next: () => Promise<FetcherResponse> = async () => response(200);
    const inner: Fetcher = async () => {
      fetches += 1;
      return next();
    };
    const breaker = breakerWith();
    const fetch = breakerFetcher(breaker, inner);
    const failWith = (error: Error) => {
      next = async () => {
        throw error;
      };
    };
    failWith(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    await expect(fetch("http://x/graphql")).rejects.toThrow("ECONNREFUSED");
    next = async () => response(503);
    expect((await fetch("http://x/graphql")).status).toBe(503);
    // Two failures; then an answer the fetcher refuses (too large, say): the nation is there, the count starts again.
    failWith(new Error("answer too large"));
    await expect(fetch("http://x/graphql")).rejects.toThrow("too large");
    next = async () => response(401);
    await fetch("http://x/graphql");
    expect(breaker.state).toBe("closed");
    failWith(Object.assign(new Error("no answer within 10 ms"), { name: "TimeoutError" }));
    await expect(fetch("http://x/graphql")).rejects.toThrow("no answer");
    failWith(
      Object.assign(new Error("fetch failed"), { cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }) }),
    );
    await expect(fetch("http://x/graphql")).rejects.toThrow("fetch failed");
    expect(breaker.state).toBe("closed");
    next = async () => response(502);
    await fetch("http://x/graphql");
    expect(breaker.state).toBe("open");
    // Open: no fetch at all, an error of its own that the data source reports as the subgraph being unavailable.
    await expect(fetch("http://x/graphql")).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fetches).toBe(7);
  });

  it("keeps one breaker per subgraph name, whatever data source asks for it", () => {
    const breakers = breakerRegistry({ failures: 1, cooldownMs: 1000 });
    expect(breakers("EST")).toBe(breakers("EST"));
    expect(breakers("EST")).not.toBe(breakers("GBR"));
  });
});
