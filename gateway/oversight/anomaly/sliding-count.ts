/**
 * One subject's weighted count over a sliding window, and whether it has
 * crossed its threshold: a crossing is reported once, and the count re-arms
 * only when the window has fallen back to the threshold or below.
 *
 * Memory is bounded by the threshold, not by the traffic: past it only the
 * newest entries that still make the count exceed the threshold are kept.
 * The older ones would expire first anyway, so the window is back to the
 * threshold exactly when one of the kept entries expires.
 */
export class SlidingCount {
  private times: number[] = [];
  private weights: number[] = [];
  /** Index of the oldest entry kept; the arrays are compacted once half of them is spent. */
  private head = 0;
  private total = 0;
  private armed = true;
  /** Each owner seen in the window, with when it was last seen. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly threshold: number,
  ) {}

  /**
   * Notes one observation at `at` (ms, never earlier than the last one). A
   * weight of 0 adds nothing but lets the window slide and re-arm. Returns
   * the count when this observation takes the window over the threshold, once
   * per crossing; otherwise undefined.
   */
  add(at: number, weight: number, owners: readonly string[]): number | undefined {
    this.expire(at);
    if (this.total <= this.threshold) this.armed = true;
    if (weight <= 0) return undefined;
    this.times.push(at);
    this.weights.push(weight);
    this.total += weight;
    for (const owner of owners) this.seen.set(owner, at);
    const crossed = this.armed && this.total > this.threshold ? this.total : undefined;
    if (crossed !== undefined) this.armed = false;
    this.trim();
    return crossed;
  }

  /** The owners seen within the window ending at `at`, sorted. */
  owners(at: number): string[] {
    this.expire(at);
    return [...this.seen.keys()].sort();
  }

  /** Entries kept (for the memory bound's tests). */
  get entries(): number {
    return this.times.length - this.head;
  }

  /** An entry made exactly `windowMs` ago has left the window. */
  private expire(at: number): void {
    const horizon = at - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= horizon) {
      this.total -= this.weights[this.head]!;
      this.head++;
    }
    this.compact();
    for (const [owner, last] of this.seen) if (last <= horizon) this.seen.delete(owner);
  }

  /** Drops the oldest entries that the newer ones do not need to stay over the threshold. */
  private trim(): void {
    while (this.head < this.times.length && this.total - this.weights[this.head]! > this.threshold) {
      this.total -= this.weights[this.head]!;
      this.head++;
    }
    this.compact();
  }

  private compact(): void {
    if (this.head === 0 || this.head * 2 < this.times.length) return;
    this.times = this.times.slice(this.head);
    this.weights = this.weights.slice(this.head);
    this.head = 0;
  }
}
