import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RevocationStore } from "../../gateway/revocations/store.js";
import { signRevocationList } from "../../lib/revocation-list.js";
import { type NationKey, newNationKey as newKey } from "../support/nation-key.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();
const REVOKED = "refused in a verified list";
const UNVERIFIED = "no verified revocation list of the token's nation";

describe("the gateway's revocation store", () => {
  let server: Server;
  let url: string;
  /** What GBR's endpoint answers now; null: a 503. */
  let served: string | null;
  let key: NationKey;
  let keysFile: string;
  let store: RevocationStore;

  const listOf = (issuedAt: number, jtis: string[], by: NationKey = key) =>
    signRevocationList(
      { nation: "GBR", issuedAt, revoked: new Map(jtis.map((jti) => [jti, Date.now() + 3_900_000])) },
      by.privateKey,
      by.kid,
    );
  const verdict = (jti: string, nation = "GBR") => {
    const refusal = store.refusal(nation, jti);
    return refusal === "token revoked" ? REVOKED : refusal;
  };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (served === null) res.writeHead(503).end();
      else res.writeHead(200, { "content-type": "application/jose" }).end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/revocations`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(async () => {
    key = await newKey();
    keysFile = join(temporary("tearline-revocation-keys-"), "jwks.json");
    writeFileSync(keysFile, JSON.stringify(key.jwks));
    served = await listOf(Date.now() - 1000, ["stolen"]);
    store = new RevocationStore([{ nation: "GBR", url, keys: { file: keysFile } }], { pollMs: 3_600_000, fetchTimeoutMs: 2000 });
  });

  it("refuses every token of a configured nation until its list is verified, and none of a nation without a list", async () => {
    expect(verdict("any")).toBe(UNVERIFIED);
    expect(verdict("any", "FRA")).toBeUndefined();
    await store.poll();
    expect(verdict("stolen")).toBe(REVOKED);
    expect(verdict("honest")).toBeUndefined();
  });

  it("puts a newer list in force, and refuses an older one: no rollback to before a revocation", async () => {
    await store.poll();
    served = await listOf(Date.now(), ["stolen", "lost"]);
    await store.poll();
    expect(verdict("lost")).toBe(REVOKED);
    served = await listOf(Date.now() - 500, []);
    await store.poll();
    expect([verdict("stolen"), verdict("lost")]).toEqual([REVOKED, REVOKED]);
  });

  it.each([
    ["is unreachable", () => null],
    ["answers something that is not a signed list", () => "<html>maintenance</html>"],
    ["answers a list signed with another key", async () => listOf(Date.now(), [], await newKey())],
  ])("keeps the last verified list when the endpoint %s: a revoked token never becomes valid again", async (_name, next) => {
    await store.poll();
    served = await next();
    await store.poll();
    await store.poll();
    expect(verdict("stolen")).toBe(REVOKED);
    expect(verdict("honest")).toBeUndefined();
  });

  it("refuses every token of the nation once the key that signed its list is retired, until a list under a current key", async () => {
    await store.poll();
    const rotated = await newKey();
    writeFileSync(keysFile, JSON.stringify(rotated.jwks));
    await store.poll();
    expect(verdict("honest")).toBe(UNVERIFIED);
    served = await listOf(Date.now(), ["stolen"], rotated);
    await store.poll();
    expect([verdict("honest"), verdict("stolen")]).toEqual([undefined, REVOKED]);
  });

  it("remembers the newest list across a restart (floor file): an older one is not taken after it", async () => {
    const floorFile = join(temporary("tearline-revocation-floors-"), "floors.json");
    const options = { pollMs: 3_600_000, fetchTimeoutMs: 2000, floorFile };
    const first = new RevocationStore([{ nation: "GBR", url, keys: { file: keysFile } }], options);
    const older = served;
    served = await listOf(Date.now(), ["stolen", "lost"]);
    await first.start();
    first.stop();
    served = older;
    store = new RevocationStore([{ nation: "GBR", url, keys: { file: keysFile } }], options);
    await store.start();
    store.stop();
    expect(verdict("honest")).toBe(UNVERIFIED);
  });
});
