/**
 * Subjects refused for a cool-down after a flag: until when, by subject key.
 * Bounded: past `capacity` the subject held longest ago is let go early,
 * since a cool-down is oversight, not access control, and memory must not
 * grow with the number of subjects flagged.
 */
export class Throttle {
  private readonly holds = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** Refuses `key` until `until` (epoch ms), or longer if it is held already; returns until when it is held. */
  hold(key: string, until: number): number {
    const held = Math.max(this.holds.get(key) ?? 0, until);
    this.holds.delete(key);
    this.holds.set(key, held);
    if (this.holds.size > this.capacity) this.holds.delete(this.holds.keys().next().value as string);
    return held;
  }

  /** Whole seconds until `key` may ask again (at least 1), or undefined when it is not held at `now`. */
  retryAfter(key: string, now: number): number | undefined {
    const until = this.holds.get(key);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.holds.delete(key);
      return undefined;
    }
    return Math.ceil((until - now) / 1000);
  }

  get size(): number {
    return this.holds.size;
  }
}
