import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import type { Principal } from "../auth/principal.js";

export interface AdmissionLimits {
  /** Operations in flight at once, all callers together. */
  maxInFlight: number;
  /** Operations in flight at once for one caller. */
  maxInFlightPerSubject: number;
}

/**
 * The defaults of MAX_IN_FLIGHT and MAX_IN_FLIGHT_PER_SUBJECT: a few hundred operations of a few MB at most each
 * stay well inside a gateway's memory, and one caller may run as many at once as the benchmark's 16 connections.
 */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxInFlight: 256, maxInFlightPerSubject: 16 };

/** Seconds a refused caller is told to wait: an operation in flight usually ends well within it. */
const RETRY_AFTER = { "retry-after": "1" };

/** One request's places: among all operations in flight, then among its caller's; given back once, when it is answered. */
export interface Ticket {
  /** Takes a place among the caller's operations in flight; throws 429 when the caller has none left. */
  admit(principal: Principal): void;
  release(): void;
}

/**
 * Bounds the work in flight, so that no caller can starve the others: past
 * the global limit a request is refused at once with 503, before its token
 * is even read (nothing about it is known to record); past its caller's own
 * limit, with 429, before its body is read. A refused request waits in no
 * queue: waiting requests would hold memory and sockets just the same.
 */
export class Admission {
  private inFlight = 0;
  private readonly bySubject = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** A place among every operation in flight; throws 503 when there is none. */
  enter(): Ticket {
    if (this.inFlight >= this.limits.maxInFlight)
      throw new HttpError(503, ErrorCode.Overloaded, "The gateway is at its limit of operations in flight; retry shortly", RETRY_AFTER);
    this.inFlight += 1;
    let subject: string | undefined;
    let released = false;
    return {
      admit: (principal) => {
        // Issuer and subject: two nations' identity providers may both have an `analyst-1`.
        const key = `${principal.issuer}\u0000${principal.sub}`;
        const running = this.bySubject.get(key) ?? 0;
        if (running >= this.limits.maxInFlightPerSubject)
          throw new HttpError(
            429,
            ErrorCode.TooManyOperations,
            "Too many operations in flight for this caller; retry shortly",
            RETRY_AFTER,
          );
        this.bySubject.set(key, running + 1);
        subject = key;
      },
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        if (subject === undefined) return;
        const left = (this.bySubject.get(subject) ?? 1) - 1;
        if (left > 0) this.bySubject.set(subject, left);
        else this.bySubject.delete(subject);
      },
    };
  }

  /** Operations in flight now, all callers together (for tests and metrics). */
  get size(): number {
    return this.inFlight;
  }
}
