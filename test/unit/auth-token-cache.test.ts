import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../../gateway/auth/authenticate.js";
import { VerifiedTokenCache } from "../../gateway/auth/token-cache.js";
import {
  bearer,
  createTestKey,
  fileIssuer,
  signToken,
  TEST_AUDIENCE,
  type TestKey,
  tokenClaims,
  writeJwksFile,
} from "../support/tokens.js";

describe("verified-token cache", () => {
  it("forgets a token at its expiry", () => {
    const cache = new VerifiedTokenCache<string>();
    cache.set("token", "claims", 1000);
    expect(cache.get("token", 999.9)).toBe("claims");
    expect(cache.get("token", 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("counts hits and misses, an expired entry as a miss", () => {
    const cache = new VerifiedTokenCache<string>();
    cache.get("token", 0);
    cache.set("token", "claims", 1000);
    cache.get("token", 1);
    cache.get("token", 2);
    cache.get("token", 1000);
    expect([cache.hits, cache.misses]).toEqual([2, 2]);
  });

  it("holds at most maxEntries, evicting the oldest", () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set("a", 1, 1000);
    cache.set("b", 2, 1000);
    cache.set("c", 3, 1000);
    expect(cache.size).toBe(2);
    expect(cache.get("a", 0)).toBeUndefined();
    expect(cache.get("b", 0)).toBe(2);
    expect(cache.get("c", 0)).toBe(3);
  });

  it("does not evict anything when a cached token is stored again", () => {
    const cache = new VerifiedTokenCache<number>(2);
    cache.set("a", 1, 1000);
    cache.set("b", 2, 1000);
    cache.set("b", 2, 1000);
    expect([cache.get("a", 0), cache.get("b", 0)]).toEqual([1, 2]);
  });
});

describe("authentication with the cache", () => {
  let dir: string;
  let key: TestKey;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tearline-cache-"));
    key = await createTestKey();
    file = await writeJwksFile(dir, "gbr.json", [key]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses a cached token once it has expired", async () => {
    let clock = Date.now();
    const logged: string[] = [];
    const authenticate = createAuthenticator({
      issuers: [fileIssuer("GBR", file)],
      audience: TEST_AUDIENCE,
      now: () => clock,
      refusals: { note: (r) => logged.push(r) },
    });
    const issuedAt = Math.floor(clock / 1000);
    const headers = { ...bearer(await signToken(key, tokenClaims("GBR", { iat: issuedAt, exp: issuedAt + 60 }))), "x-purpose": "CT" };
    await expect(authenticate(headers)).resolves.toMatchObject({ expiresAt: issuedAt + 60 });

    clock += 59_000;
    await expect(authenticate(headers)).resolves.toMatchObject({ expiresAt: issuedAt + 60 });

    // Past exp and the 30 s clock tolerance: a cache that ignored expiry would still answer.
    clock += 35_000;
    await expect(authenticate(headers)).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    expect(logged).toEqual([expect.stringMatching(/exp/)]);
  });

  it("keeps at most tokenCacheSize tokens", async () => {
    const authenticate = createAuthenticator({
      issuers: [fileIssuer("GBR", file)],
      audience: TEST_AUDIENCE,
      tokenCacheSize: 1,
      refusals: { note: () => undefined },
    });
    const first = { ...bearer(await signToken(key, tokenClaims("GBR"))), "x-purpose": "CT" };
    const second = { ...bearer(await signToken(key, tokenClaims("GBR"))), "x-purpose": "CT" };
    await authenticate(first);
    await authenticate(second);

    // The second is answered from the cache; the first was evicted, and is verified again.
    const counts = () => [authenticate.tokenCache.hits, authenticate.tokenCache.misses];
    await expect(authenticate(second)).resolves.toMatchObject({ nation: "GBR" });
    expect(counts()).toEqual([1, 2]);
    await expect(authenticate(first)).resolves.toMatchObject({ nation: "GBR" });
    expect(counts()).toEqual([1, 3]);
  });
});
