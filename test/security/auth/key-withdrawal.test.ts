import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TrustedIssuer } from "../../../gateway/auth/issuers.js";
import { temporaryFolders } from "../../support/temporary-folders.js";
import { testAuthenticator } from "../../support/test-authenticator.js";
import {
  createTestKey,
  fileIssuer,
  type JwksServer,
  signToken,
  startJwksServer,
  type TestKey,
  tokenClaims,
  urlIssuer,
  writeJwksFile,
} from "../../support/tokens.js";

// An issuer withdraws a key (compromised, rotated out): every token it signed must stop working within the key
// refresh interval, including tokens the gateway has already verified and cached until their exp.

const REFRESH_MS = 60_000;
const temporary = temporaryFolders();
let withdrawn: TestKey;
let kept: TestKey;
let servers: JwksServer[] = [];

beforeAll(async () => {
  [withdrawn, kept] = await Promise.all([createTestKey(), createTestKey()]);
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** An authenticator on a clock the test moves, reading keys again every REFRESH_MS. */
function authenticatorOn(issuer: TrustedIssuer) {
  const clock = { now: Date.now() };
  return { clock, ...testAuthenticator(issuer, { now: () => clock.now, keySetOptions: { cacheMaxAge: REFRESH_MS } }) };
}

/** An hour-long token: it would stay cached well past the refresh interval. */
const hourLong = (key: TestKey) => {
  const now = Math.floor(Date.now() / 1000);
  return signToken(key, tokenClaims("GBR", { iat: now, exp: now + 3600 }));
};

describe("a key withdrawn from the issuer's key set", () => {
  it("stops a cached token (JWKS file) within the refresh interval, and leaves the kept key's tokens alone", async () => {
    const folder = temporary("tearline-withdrawal-");
    const file = await writeJwksFile(folder, "gbr.json", [withdrawn, kept]);
    const { clock, send } = authenticatorOn(fileIssuer("GBR", file));
    const [stolen, honest] = await Promise.all([hourLong(withdrawn), hourLong(kept)]);
    await expect(send(stolen)).resolves.toMatchObject({ nation: "GBR" });
    await expect(send(honest)).resolves.toMatchObject({ nation: "GBR" });

    await writeJwksFile(folder, "gbr.json", [kept]);
    // Within the interval the keys are not read again: the cached answer stands (the promise is "within", not "at once").
    clock.now += REFRESH_MS / 2;
    await expect(send(stolen)).resolves.toMatchObject({ nation: "GBR" });
    clock.now += REFRESH_MS / 2 + 1;
    await expect(send(stolen)).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    await expect(send(stolen)).rejects.toMatchObject({ status: 401 });
    await expect(send(honest)).resolves.toMatchObject({ nation: "GBR" });
  });

  it("stops a cached token (JWKS URL) within the refresh interval", async () => {
    const server = await startJwksServer([withdrawn, kept]);
    servers.push(server);
    const { clock, send } = authenticatorOn(urlIssuer("GBR", server.url));
    const stolen = await hourLong(withdrawn);
    await expect(send(stolen)).resolves.toMatchObject({ nation: "GBR" });
    server.setKeys([kept]);
    clock.now += REFRESH_MS + 1;
    await expect(send(stolen)).rejects.toMatchObject({ status: 401 });
  });

  it("stops a cached token whose kid now names other key material", async () => {
    const server = await startJwksServer([withdrawn]);
    servers.push(server);
    const { clock, send } = authenticatorOn(urlIssuer("GBR", server.url));
    const stolen = await hourLong(withdrawn);
    await expect(send(stolen)).resolves.toMatchObject({ nation: "GBR" });
    // The same kid, another key: whatever the kid says, the token must verify against what the set holds now.
    server.setKeys([{ ...kept, kid: withdrawn.kid, publicJwk: { ...kept.publicJwk, kid: withdrawn.kid } }]);
    clock.now += REFRESH_MS + 1;
    await expect(send(stolen)).rejects.toMatchObject({ status: 401 });
  });

  it("keeps answering a cached token from the cache while the key set read again is unchanged", async () => {
    const server = await startJwksServer([kept]);
    servers.push(server);
    const { clock, send, authenticate } = authenticatorOn(urlIssuer("GBR", server.url));
    const token = await hourLong(kept);
    await send(token);
    clock.now += REFRESH_MS + 1;
    await expect(send(token)).resolves.toMatchObject({ nation: "GBR" });
    expect(server.requests()).toBe(2);
    expect([authenticate.tokenCache.hits, authenticate.tokenCache.misses]).toEqual([1, 1]);
  });
});
