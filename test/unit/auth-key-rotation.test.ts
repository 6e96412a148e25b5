import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../../gateway/auth/authenticate.js";
import type { TrustedIssuer } from "../../gateway/auth/issuers.js";
import type { KeySetOptions } from "../../gateway/auth/key-sets.js";
import { close, listen } from "../../lib/http-server.js";
import {
  bearer,
  createTestKey,
  fileIssuer,
  type JwksServer,
  signToken,
  startJwksServer,
  TEST_AUDIENCE,
  type TestKey,
  tokenClaims,
  urlIssuer,
  writeJwksFile,
} from "../support/tokens.js";

let oldKey: TestKey;
let newKey: TestKey;
let unpublishedKey: TestKey;
let servers: JwksServer[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const signedBy = (key: TestKey) => signToken(key, tokenClaims("GBR"));
const authenticatorFor = (issuer: TrustedIssuer, keySetOptions: KeySetOptions) => {
  const authenticate = createAuthenticator({
    issuers: [issuer],
    audience: TEST_AUDIENCE,
    keySetOptions,
    refusals: { note: () => undefined },
  });
  return async (token: string) => authenticate({ ...bearer(token), "x-purpose": "CT" });
};
const jwksServer = async (keys: TestKey[]) => {
  const server = await startJwksServer(keys);
  servers.push(server);
  return server;
};

beforeAll(async () => {
  [oldKey, newKey, unpublishedKey] = await Promise.all([createTestKey(), createTestKey(), createTestKey()]);
});
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe("keys served over HTTP", () => {
  it("follows a key rotation without a new authenticator, and stops accepting the withdrawn key", async () => {
    const server = await jwksServer([oldKey]);
    const verify = authenticatorFor(urlIssuer("GBR", server.url), { cooldownDuration: 0 });
    await expect(verify(await signedBy(oldKey))).resolves.toMatchObject({ nation: "GBR" });

    server.setKeys([newKey]);
    await expect(verify(await signedBy(newKey))).resolves.toMatchObject({ nation: "GBR" });
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
  });

  it("refetches for unknown kids at most once per cooldown", async () => {
    const server = await jwksServer([oldKey]);
    // A cooldown long enough that three refusals in a row fit in it even on a loaded machine.
    const verify = authenticatorFor(urlIssuer("GBR", server.url), { cooldownDuration: 1500 });
    await verify(await signedBy(oldKey));
    expect(server.requests()).toBe(1);

    for (let attempt = 0; attempt < 3; attempt++)
      await expect(verify(await signedBy(unpublishedKey))).rejects.toMatchObject({ status: 401 });
    expect(server.requests()).toBe(1);

    await sleep(1600);
    const attempts = await Promise.all(
      Array.from({ length: 5 }, async () => verify(await signedBy(unpublishedKey)).catch((error: unknown) => error)),
    );
    for (const refusal of attempts) expect(refusal).toMatchObject({ status: 401 });
    expect(server.requests()).toBe(2);
  });

  it("refuses with 401, and keeps working, when the JWKS server is unreachable", async () => {
    const server = await jwksServer([oldKey]);
    const verify = authenticatorFor(urlIssuer("GBR", server.url), { cacheMaxAge: 0, timeoutDuration: 1000 });
    await server.close();
    servers = [];
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });

  it.each([
    ["not JSON", () => "<html>maintenance</html>"],
    ["not a key set", () => '{"keys":"none"}'],
    ["a symmetric key", () => JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0", kid: oldKey.kid, alg: "ES256" }] })],
  ])("refuses with 401 when the JWKS server answers with %s", async (_name, body) => {
    const server = await jwksServer([oldKey]);
    server.setBody(body());
    const verify = authenticatorFor(urlIssuer("GBR", server.url), {});
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
  });

  it("refuses with 401 when the JWKS server never answers, after timeoutDuration", async () => {
    const silent = createServer(() => {});
    const port = await listen(silent, "127.0.0.1", 0);
    const verify = authenticatorFor(urlIssuer("GBR", `http://127.0.0.1:${port}/jwks.json`), { timeoutDuration: 200 });
    const started = Date.now();
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
    expect(Date.now() - started).toBeLessThan(5000);
    silent.closeAllConnections();
    await close(silent);
  });

  it("answers a repeated token from the cache without reading the key set while its keys are fresh", async () => {
    const server = await jwksServer([oldKey]);
    const verify = authenticatorFor(urlIssuer("GBR", server.url), { cacheMaxAge: 60_000 });
    const token = await signedBy(oldKey);
    await verify(token);
    await server.close();
    servers = [];
    await expect(verify(token)).resolves.toMatchObject({ nation: "GBR" });
    expect(server.requests()).toBe(1);
  });

  it("refuses a cached token too once its keys are stale and cannot be read again (fail closed)", async () => {
    const server = await jwksServer([oldKey]);
    const verify = authenticatorFor(urlIssuer("GBR", server.url), { cacheMaxAge: 0, timeoutDuration: 1000 });
    const token = await signedBy(oldKey);
    await verify(token);
    await server.close();
    servers = [];
    // The key may have been withdrawn while the set could not be read: nothing vouches for the token any more.
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });
});

describe("keys in a JWKS file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tearline-jwks-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("picks up a rewritten file once the cooldown has passed", async () => {
    const file = await writeJwksFile(dir, "rotating.json", [oldKey]);
    // Long enough that the refusal below surely falls inside the cooldown, even on a loaded machine.
    const verify = authenticatorFor(fileIssuer("GBR", file), { cooldownDuration: 1500 });
    await expect(verify(await signedBy(oldKey))).resolves.toMatchObject({ nation: "GBR" });

    await writeJwksFile(dir, "rotating.json", [newKey]);
    await expect(verify(await signedBy(newKey))).rejects.toMatchObject({ status: 401 });
    await sleep(1600);
    await expect(verify(await signedBy(newKey))).resolves.toMatchObject({ nation: "GBR" });
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
  });

  it("reads the file again when its keys are older than cacheMaxAge, so a withdrawn key stops working", async () => {
    const file = await writeJwksFile(dir, "aging.json", [oldKey, newKey]);
    const verify = authenticatorFor(fileIssuer("GBR", file), { cacheMaxAge: 0, cooldownDuration: 60_000 });
    await expect(verify(await signedBy(oldKey))).resolves.toMatchObject({ nation: "GBR" });
    await writeJwksFile(dir, "aging.json", [newKey]);
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
  });

  it("recovers once a missing file appears", async () => {
    const verify = authenticatorFor(fileIssuer("GBR", join(dir, "later.json")), {});
    await expect(verify(await signedBy(oldKey))).rejects.toMatchObject({ status: 401 });
    await writeJwksFile(dir, "later.json", [oldKey]);
    await expect(verify(await signedBy(oldKey))).resolves.toMatchObject({ nation: "GBR" });
  });
});
