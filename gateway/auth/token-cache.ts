/**
 * Recently verified tokens by their exact text, so a client that sends the same
 * token on every request pays for the signature check once. Bounded, because
 * every distinct valid token adds an entry; the oldest entry makes room.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  /** Lookups answered from the cache and not (expired entries count as misses), since start. */
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 10_000) {}

  /** The cached value, unless the token has expired by `nowSeconds`. */
  get(token: string, nowSeconds: number): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined || nowSeconds >= entry.expiresAt) {
      if (entry !== undefined) this.entries.delete(token);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** Remembers `value` for `token` until `expiresAt` (seconds since the epoch). */
  set(token: string, value: T, expiresAt: number): void {
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, expiresAt });
  }

  get size(): number {
    return this.entries.size;
  }
}
