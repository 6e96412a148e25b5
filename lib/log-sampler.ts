import type { Logger } from "pino";

/**
 * Logs repeated events without flooding: the first event of each kind in an
 * interval is logged in full, the rest are counted and summed up in one line
 * when the interval ends. A burst of bad tokens costs a few lines, not one per
 * request.
 */
export class SampledLog {
  private readonly suppressed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly message: string,
    private readonly intervalMs = 10_000,
  ) {}

  /** Records one event of `kind`; `details` are logged only for the first of its kind in the interval. */
  note(kind: string, details: Record<string, unknown> = {}): void {
    const seen = this.suppressed.get(kind);
    if (seen === undefined) {
      this.suppressed.set(kind, 0);
      this.log.warn({ ...details, kind }, this.message);
      this.schedule();
    } else {
      this.suppressed.set(kind, seen + 1);
    }
  }

  /** Logs the counts of what was suppressed, and starts a new interval. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const counts = Object.fromEntries([...this.suppressed].filter(([, n]) => n > 0));
    this.suppressed.clear();
    if (Object.keys(counts).length > 0)
      this.log.warn({ suppressed: counts, intervalMs: this.intervalMs }, `${this.message} (repeats in the last interval)`);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    this.timer.unref();
  }
}
