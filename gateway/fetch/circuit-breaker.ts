export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long an open circuit refuses every fetch before it lets one probe through. */
  cooldownMs: number;
  now?: () => number;
  /** Told when the circuit opens (with the failures that opened it) and when it closes again. */
  onChange?: (state: "open" | "closed") => void;
}

export type CircuitState = "closed" | "open" | "half-open";

/**
 * One subgraph's circuit breaker. Closed, every fetch goes; `failures`
 * consecutive failures open it, and then no fetch goes at all: a nation that
 * is down costs each request an immediate error instead of a timeout. After
 * `cooldownMs` one fetch, the probe, is let through (half-open) while the
 * others are still refused; its success closes the circuit, its failure opens
 * it for another cool-down. Pure: the clock is given.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return "closed";
    return this.probing || this.now() - this.openedAt >= this.options.cooldownMs ? "half-open" : "open";
  }

  /** Whether a fetch may go now; a true answer on an open circuit makes that fetch the probe, which must then report. */
  tryAcquire(): boolean {
    if (this.openedAt === undefined) return true;
    if (this.probing || this.now() - this.openedAt < this.options.cooldownMs) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    const wasOpen = this.openedAt !== undefined;
    this.consecutiveFailures = 0;
    this.openedAt = undefined;
    this.probing = false;
    if (wasOpen) this.options.onChange?.("closed");
  }

  failed(): void {
    this.consecutiveFailures += 1;
    // A failed probe opens the circuit again; so do enough failures in a row while it was closed.
    if (this.probing || (this.openedAt === undefined && this.consecutiveFailures >= this.options.failures)) {
      const reopened = this.probing;
      this.openedAt = this.now();
      this.probing = false;
      if (!reopened) this.options.onChange?.("open");
    }
  }
}
