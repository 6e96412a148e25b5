/**
 * A bounded map that forgets the least recently used entries first, bounded
 * both by entry count and by a total weight (an estimate of bytes), so that a
 * few huge entries cannot exhaust memory either.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; weight: number }>();
  private totalWeight = 0;
  /** Lookups that found an entry and that did not, since start (for /metrics and the benchmark). */
  hits = 0;
  misses = 0;

  constructor(
    readonly capacity: number,
    readonly maxWeight = Number.POSITIVE_INFINITY,
    private readonly weigh: (value: V) => number = () => 1,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return; // never worth keeping
    this.entries.set(key, { value, weight });
    this.totalWeight += weight;
    while (this.entries.size > this.capacity || this.totalWeight > this.maxWeight) {
      this.delete(this.entries.keys().next().value as K);
    }
  }

  private delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.totalWeight;
  }
}
