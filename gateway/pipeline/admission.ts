import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import type { Principal } from "../auth/principal.js";
import { DEFAULT_MAX_COST } from "../rules/cost-model.js";

export interface AdmissionLimits {
  /** Operations in flight at once, all callers together. */
  maxInFlight: number;
  /** Operations in flight at once for one caller. */
  maxInFlightPerSubject: number;
  /** Cost (rules/cost-model.ts) in flight at once for one caller; an operation alone is always let through. */
  maxCostInFlightPerSubject: number;
}

/**
 * The defaults of MAX_IN_FLIGHT, MAX_IN_FLIGHT_PER_SUBJECT and MAX_COST_IN_FLIGHT_PER_SUBJECT: a few hundred
 * operations of a few MB at most each stay well inside a gateway's memory; one caller may run as many light
 * operations at once as the benchmark's 16 connections, but only one costliest operation's worth of cost (MAX_COST):
 * measured, two of them in flight let a flood slow another caller's one-field request three times more than one.
 */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = {
  maxInFlight: 256,
  maxInFlightPerSubject: 16,
  maxCostInFlightPerSubject: DEFAULT_MAX_COST,
};

/** Seconds a refused caller is told to wait: an operation in flight usually ends well within it. */
export const RETRY_AFTER: Readonly<Record<string, string>> = { "retry-after": "1" };

/** One request's places: among all operations in flight, then among its caller's; given back once, when it is answered. */
export interface Ticket {
  /** Takes a place among the caller's operations in flight; throws 429 when the caller has none left. */
  admit(principal: Principal): void;
  /** Adds the operation's cost to its caller's in flight; false (and nothing added) when that would pass the caller's limit. */
  weigh(cost: number): boolean;
  release(): void;
}

interface Load {
  operations: number;
  cost: number;
}

/**
 * Bounds the work in flight, so that no caller can starve the others: past
 * the global limit a request is refused at once with 503, before its token
 * is even read (nothing about it is known to record); past its caller's own
 * number of operations, with 429, before its body is read; past its caller's
 * cost in flight, with 429 once it is planned. A refused request waits in no
 * queue: waiting requests would hold memory and sockets just the same.
 */
export class Admission {
  private inFlight = 0;
  private readonly bySubject = new Map<string, Load>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** A place among every operation in flight; throws 503 when there is none. */
  enter(): Ticket {
    if (this.inFlight >= this.limits.maxInFlight)
      throw new HttpError(503, ErrorCode.Overloaded, "The gateway is at its limit of operations in flight; retry shortly", RETRY_AFTER);
    this.inFlight += 1;
    let load: Load | undefined;
    let key = "";
    let cost = 0;
    let released = false;
    return {
      admit: (principal) => {
        // Issuer and subject: two nations' identity providers may both have an `analyst-1`.
        key = `${principal.issuer}\u0000${principal.sub}`;
        const running = this.bySubject.get(key) ?? { operations: 0, cost: 0 };
        if (running.operations >= this.limits.maxInFlightPerSubject)
          throw new HttpError(
            429,
            ErrorCode.TooManyOperations,
            "Too many operations in flight for this caller; retry shortly",
            RETRY_AFTER,
          );
        running.operations += 1;
        this.bySubject.set(key, running);
        load = running;
      },
      weigh: (weight) => {
        if (!load) return true;
        if (load.cost > 0 && load.cost + weight > this.limits.maxCostInFlightPerSubject) return false;
        load.cost += weight;
        cost = weight;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        if (!load) return;
        load.operations -= 1;
        load.cost -= cost;
        if (load.operations === 0) this.bySubject.delete(key);
      },
    };
  }

  /** Operations in flight now, all callers together (for tests and metrics). */
  get size(): number {
    return this.inFlight;
  }
}
