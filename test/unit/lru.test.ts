import { describe, expect, it } from "vitest";
import { LruCache } from "../../gateway/enforcement/lru.js";

describe("LruCache: bounded by count and by weight", () => {
  it("forgets the least recently used entry past its capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now the most recently used
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it("counts the lookups it answered and those it missed", () => {
    const cache = new LruCache<string, number>(1);
    cache.set("a", 1);
    cache.get("a");
    cache.get("b");
    cache.set("b", 2);
    cache.get("a");
    cache.get("b");
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it("forgets the oldest entries until the total weight fits", () => {
    const cache = new LruCache<string, string>(100, 10, (value) => value.length);
    cache.set("a", "xxxx");
    cache.set("b", "xxxx");
    cache.set("c", "xxxx"); // 12 > 10: a goes
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.weight]).toEqual([undefined, "xxxx", "xxxx", 8]);
  });

  it("never keeps an entry heavier than the whole budget, and keeps what it had", () => {
    const cache = new LruCache<string, string>(100, 10, (value) => value.length);
    cache.set("a", "xx");
    cache.set("huge", "x".repeat(11));
    expect([cache.get("huge"), cache.get("a"), cache.weight]).toEqual([undefined, "xx", 2]);
  });

  it("replaces an entry's weight when the entry is set again", () => {
    const cache = new LruCache<string, string>(100, 10, (value) => value.length);
    cache.set("a", "xxxxxx");
    cache.set("a", "xx");
    expect([cache.size, cache.weight]).toEqual([1, 2]);
  });
});
