import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateEnvelopeJwk, publicJwkOf } from "../../lib/envelope-key.js";
import { KeySetUnavailable, MAX_KEY_SET_BYTES, PublicKeySet, type PublicKeySetOptions } from "../../lib/jwks-keys.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { type JwksServer, startJwksServer } from "../support/tokens.js";

const temporary = temporaryFolders();
const [first, second, third] = [generateEnvelopeJwk(), generateEnvelopeJwk(), generateEnvelopeJwk()];
const jwksText = (...keys: object[]) => JSON.stringify({ keys: keys.map((key) => publicJwkOf(key)) });

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("a public key set from a file", () => {
  const fileWith = (text: string) => {
    const file = join(temporary("tearline-jwks-"), "jwks.json");
    writeFileSync(file, text);
    return file;
  };
  const setFor = (file: string, time = clock(), options: PublicKeySetOptions = {}) =>
    new PublicKeySet({ file }, { now: time.now, ...options });

  it("gives each kid's key, and nothing for a kid it does not name", async () => {
    const keys = setFor(fileWith(jwksText(first, second)));
    expect((await keys.keyFor(first.kid!))?.asymmetricKeyType).toBe("ed25519");
    expect(await keys.has(second.kid!)).toBe(true);
    expect(await keys.keyFor(third.kid!)).toBeUndefined();
  });

  it("picks up a rotated key without a restart, but reads the file at most once per recheck interval", async () => {
    const time = clock();
    const file = fileWith(jwksText(first));
    const keys = setFor(file, time);
    expect(await keys.has(first.kid!)).toBe(true);
    writeFileSync(file, jwksText(second));
    time.advance(999);
    // Not read again on every use: within the interval the old set still answers.
    expect(await keys.has(second.kid!)).toBe(false);
    time.advance(1);
    expect(await keys.has(second.kid!)).toBe(true);
    expect(await keys.has(first.kid!)).toBe(false);
  });

  it("refuses (throws) when the file is gone, unreadable or not a key set, and recovers when it is back: fail closed", async () => {
    const time = clock();
    const file = fileWith(jwksText(first));
    const keys = setFor(file, time);
    expect(await keys.has(first.kid!)).toBe(true);
    rmSync(file);
    time.advance(1000);
    await expect(keys.keyFor(first.kid!)).rejects.toThrow(KeySetUnavailable);
    // A failed read is not tried again on every use either.
    writeFileSync(file, jwksText(first));
    await expect(keys.keyFor(first.kid!)).rejects.toThrow(KeySetUnavailable);
    time.advance(1000);
    expect(await keys.has(first.kid!)).toBe(true);
    for (const broken of ["{", '{"no":"keys"}', "null"]) {
      writeFileSync(file, broken);
      time.advance(1000);
      await expect(keys.has(first.kid!)).rejects.toThrow(KeySetUnavailable);
    }
  });

  it("refuses a file larger than 64 KiB", async () => {
    const padded = JSON.stringify({ keys: [publicJwkOf(first)], padding: "x".repeat(MAX_KEY_SET_BYTES) });
    await expect(setFor(fileWith(padded)).has(first.kid!)).rejects.toThrow(KeySetUnavailable);
    expect(await setFor(fileWith(jwksText(first))).ready()).toBe(true);
    expect(await setFor(fileWith(padded)).ready()).toBe(false);
  });

  it("trusts Ed25519 public keys only: no other curve, no private key, no key without a kid", async () => {
    const text = JSON.stringify({
      keys: [
        first,
        { ...publicJwkOf(second), crv: "X25519" },
        { kty: "EC", crv: "P-256", kid: "ec", x: "x", y: "y" },
        { ...publicJwkOf(third), kid: undefined },
      ],
    });
    const keys = setFor(fileWith(text));
    expect(await keys.has(first.kid!)).toBe(false);
    expect(await keys.has(second.kid!)).toBe(false);
    expect(await keys.has("ec")).toBe(false);
  });

  it("reads every time with no recheck interval (the agreement store's own polling)", async () => {
    const file = fileWith(jwksText(first));
    const keys = setFor(file, clock(), { fileRecheckMs: 0, retryMs: 0 });
    expect(await keys.has(first.kid!)).toBe(true);
    writeFileSync(file, jwksText(second));
    expect(await keys.has(second.kid!)).toBe(true);
  });

  it("only stats a settled, unchanged file at each recheck, and reads it whole again once it changes, even in place at the same size", async () => {
    const file = fileWith(jwksText(first));
    const keys = setFor(file, clock(), { fileRecheckMs: 0, retryMs: 0, fileSettledMs: 50 });
    expect(await keys.has(first.kid!)).toBe(true);
    // Changed moments ago: its times cannot yet be trusted to show another change, so every recheck reads it.
    expect(await keys.has(first.kid!)).toBe(true);
    expect(keys.fileReads).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await keys.has(first.kid!)).toBe(true);
    const settledReads = keys.fileReads;
    for (let i = 0; i < 5; i++) expect(await keys.has(first.kid!)).toBe(true);
    expect(keys.fileReads).toBe(settledReads);
    // Rewritten in place, same length: the change time moves, so it is read again and the rotation counts at once.
    const rotated = jwksText(second);
    expect(rotated.length).toBe(jwksText(first).length);
    writeFileSync(file, rotated);
    expect(await keys.has(second.kid!)).toBe(true);
    expect(await keys.has(first.kid!)).toBe(false);
    expect(keys.fileReads).toBeGreaterThan(settledReads);
  });

  it("reads a settled, unchanged file whole again at least every fileFullReadMs: a stamp is a hint (a write through a memory map leaves the times alone)", async () => {
    const time = clock();
    const file = fileWith(jwksText(first));
    const keys = setFor(file, time, { fileRecheckMs: 0, retryMs: 0, fileSettledMs: 0, fileFullReadMs: 5000 });
    expect(await keys.has(first.kid!)).toBe(true);
    expect(await keys.has(first.kid!)).toBe(true);
    const reads = keys.fileReads;
    time.advance(4999);
    expect(await keys.has(first.kid!)).toBe(true);
    expect(keys.fileReads).toBe(reads);
    time.advance(1);
    expect(await keys.has(first.kid!)).toBe(true);
    expect(keys.fileReads).toBe(reads + 1);
  });

  it("refuses at once when a settled file is removed: the stat fails closed as a read would", async () => {
    const file = fileWith(jwksText(first));
    const keys = setFor(file, clock(), { fileRecheckMs: 0, retryMs: 0, fileSettledMs: 0 });
    expect(await keys.has(first.kid!)).toBe(true);
    expect(await keys.has(first.kid!)).toBe(true);
    rmSync(file);
    await expect(keys.has(first.kid!)).rejects.toThrow(KeySetUnavailable);
  });
});

describe("a public key set from a URL", () => {
  let server: JwksServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const serving = async (text: string) => {
    server = await startJwksServer([]);
    server.setBody(text);
    return server;
  };

  it("fetches an unknown kid again at most once per cooldown, and every key again once the set is older than its max age", async () => {
    const time = clock();
    const jwks = await serving(jwksText(first));
    const keys = new PublicKeySet({ url: jwks.url }, { now: time.now, urlMaxAgeMs: 60_000, unknownKidCooldownMs: 30_000 });
    expect(await keys.has(first.kid!)).toBe(true);
    expect(jwks.requests()).toBe(1);
    // The new key appears at the source: a kid nobody knows is fetched for once per cooldown, no more.
    jwks.setBody(jwksText(first, second));
    time.advance(10_000);
    expect(await keys.keyFor(second.kid!)).toBeUndefined();
    expect(await keys.keyFor("junk")).toBeUndefined();
    expect(jwks.requests()).toBe(1);
    time.advance(20_000);
    expect(await keys.keyFor(second.kid!)).toBeDefined();
    expect(jwks.requests()).toBe(2);
    for (let i = 0; i < 5; i++) await keys.keyFor(`junk-${i}`);
    expect(jwks.requests()).toBe(2);
    // A withdrawn key stops counting once the set is past its max age, unknown kids or not.
    jwks.setBody(jwksText(second));
    time.advance(60_000);
    expect(await keys.has(first.kid!)).toBe(false);
    expect(jwks.requests()).toBe(3);
  });

  it("shares one fetch between concurrent callers", async () => {
    const jwks = await serving(jwksText(first));
    const keys = new PublicKeySet({ url: jwks.url });
    const found = await Promise.all(Array.from({ length: 10 }, () => keys.keyFor(first.kid!)));
    expect(found.every((key) => key !== undefined)).toBe(true);
    expect(jwks.requests()).toBe(1);
  });

  it("refuses when the key server is unreachable and the keys it gave are stale: never the last known keys", async () => {
    const time = clock();
    const jwks = await serving(jwksText(first));
    const keys = new PublicKeySet({ url: jwks.url }, { now: time.now });
    expect(await keys.has(first.kid!)).toBe(true);
    await jwks.close();
    server = undefined;
    // Still within its max age: the keys just read count (an unknown kid finds nothing).
    time.advance(30_000);
    expect(await keys.keyFor("other")).toBeUndefined();
    expect(await keys.has(first.kid!)).toBe(true);
    time.advance(30_000);
    await expect(keys.keyFor(first.kid!)).rejects.toThrow(KeySetUnavailable);
    await expect(new PublicKeySet({ url: "http://127.0.0.1:1/jwks.json" }).has(first.kid!)).rejects.toThrow(KeySetUnavailable);
  });

  it("refuses an answer larger than 64 KiB, or one that is not a key set", async () => {
    const jwks = await serving(JSON.stringify({ keys: [publicJwkOf(first)], padding: "x".repeat(MAX_KEY_SET_BYTES) }));
    await expect(new PublicKeySet({ url: jwks.url }).has(first.kid!)).rejects.toThrow(KeySetUnavailable);
    jwks.setBody("<html>");
    await expect(new PublicKeySet({ url: jwks.url }).has(first.kid!)).rejects.toThrow(KeySetUnavailable);
    await expect(new PublicKeySet({ url: jwks.url.replace("jwks.json", "missing") }).has(first.kid!)).rejects.toThrow(KeySetUnavailable);
  });
});
