import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { AgreementBook } from "@tearline/policy";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AgreementStore } from "../../gateway/agreements/store.js";
import { signAgreementDocument } from "../../lib/agreement-jws.js";
import { documentOf } from "../support/agreements-fixture.js";
import { type NationKey, newNationKey as newKey } from "../support/nation-key.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();

describe("the gateway's agreement store", () => {
  let server: Server;
  let url: string;
  /** What the nation's endpoint answers now; null: a 503. */
  let served: string | null;
  let requests: Array<{ conditional: boolean; status: number }>;
  let keysFile: string;
  let key: NationKey;
  let changes: AgreementBook[];
  let store: AgreementStore;

  const sign = (version: number, status: "ACTIVE" | "PAUSED" = "ACTIVE", by: NationKey = key) =>
    signAgreementDocument(documentOf("FRA", { GBR: { status, expires: Date.now() + 86_400_000 } }, version), by.privateKey, by.kid);
  const inForce = () => {
    const document = store.book.get("FRA");
    return document && { version: document.version, status: document.partners.get("GBR")?.status };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (served === null) {
        requests.push({ conditional: false, status: 503 });
        res.writeHead(503).end();
        return;
      }
      const etag = `"${createHash("sha256").update(served).digest("base64url")}"`;
      const conditional = req.headers["if-none-match"] === etag;
      requests.push({ conditional, status: conditional ? 304 : 200 });
      if (conditional) res.writeHead(304, { etag }).end();
      else res.writeHead(200, { etag, "content-type": "application/jose" }).end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agreements`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(async () => {
    key = await newKey();
    keysFile = join(temporary("tearline-store-keys-"), "jwks.json");
    writeFileSync(keysFile, JSON.stringify(key.jwks));
    requests = [];
    changes = [];
    served = await sign(1);
    store = storeFor();
    await store.poll();
  });

  const storeFor = (options: { floorFile?: string; source?: string } = {}) =>
    new AgreementStore([{ nation: "FRA", url: options.source ?? url, keys: { file: keysFile } }], {
      pollMs: 3_600_000,
      fetchTimeoutMs: 2000,
      onChange: (book) => changes.push(book),
      ...(options.floorFile ? { floorFile: options.floorFile } : {}),
    });

  it("puts a verified document in force, and asks again conditionally: an unchanged one costs a 304", async () => {
    expect(inForce()).toEqual({ version: 1, status: "ACTIVE" });
    expect(changes).toHaveLength(1);
    await store.poll();
    expect(requests.map((r) => r.status)).toEqual([200, 304]);
    expect(changes).toHaveLength(1);
  });

  it("takes a newer version, and refuses an older one: no rollback", async () => {
    served = await sign(2, "PAUSED");
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
    served = await sign(1, "ACTIVE");
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
    expect(changes).toHaveLength(2);
  });

  it("ignores a tampered document: a PAUSED entry edited to ACTIVE leaves the partner paused", async () => {
    served = await sign(2, "PAUSED");
    await store.poll();
    const [header, payload, signature] = served.split(".");
    const edited = Buffer.from(payload!, "base64url").toString().replace('"PAUSED"', '"ACTIVE"').replace('"version":2', '"version":3');
    served = `${header}.${Buffer.from(edited).toString("base64url")}.${signature}`;
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
  });

  it("keeps the last verified document when the endpoint fails or the document is signed by another key", async () => {
    served = null;
    await store.poll();
    expect(inForce()).toEqual({ version: 1, status: "ACTIVE" });
    served = await sign(2, "PAUSED", await newKey());
    await store.poll();
    expect(inForce()).toEqual({ version: 1, status: "ACTIVE" });
  });

  it("picks up a rotated agreement key from the key file, without a restart", async () => {
    const rotated = await newKey();
    writeFileSync(keysFile, JSON.stringify(rotated.jwks));
    served = await sign(2, "PAUSED", rotated);
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
    // The retired key no longer signs anything that is taken.
    served = await sign(3, "ACTIVE");
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
  });

  it("has nothing in force for a nation whose document was never verified: it shares nothing", async () => {
    served = null;
    const empty = new AgreementStore([{ nation: "FRA", url, keys: { file: keysFile } }], {
      pollMs: 3_600_000,
      fetchTimeoutMs: 2000,
      onChange: () => undefined,
    });
    await empty.poll();
    expect(empty.book.size).toBe(0);
    const unreachable = new AgreementStore([{ nation: "FRA", url: "http://127.0.0.1:1/agreements", keys: { file: keysFile } }], {
      pollMs: 3_600_000,
      fetchTimeoutMs: 2000,
      onChange: () => undefined,
    });
    await unreachable.poll();
    expect(unreachable.book.size).toBe(0);
  });

  it("checks a refused document again at the next poll: a key that arrives after the document is then used", async () => {
    const rotated = await newKey();
    served = await sign(2, "PAUSED", rotated);
    await store.poll();
    expect(inForce()?.version).toBe(1);
    // The key reaches the gateway a moment later: the same document (same ETag) is now taken.
    writeFileSync(keysFile, JSON.stringify(rotated.jwks));
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
    expect(requests.every((r) => r.status !== 304)).toBe(true);
  });

  it("withdraws a document once the key that signed it is retired, and then takes a lower version from the new key", async () => {
    // A stolen key signs a huge version with GBR active; the nation rotates its key and publishes version 2.
    served = await sign(900_000_000, "ACTIVE");
    await store.poll();
    expect(inForce()?.version).toBe(900_000_000);
    const rotated = await newKey();
    writeFileSync(keysFile, JSON.stringify(rotated.jwks));
    await store.poll();
    expect(inForce()).toBeUndefined();
    served = await sign(2, "PAUSED", rotated);
    await store.poll();
    expect(inForce()).toEqual({ version: 2, status: "PAUSED" });
  });

  it("refuses, after a restart, a version older than the highest seen before it (floor file)", async () => {
    const floorFile = join(temporary("tearline-store-floor-"), "floors.json");
    const before = storeFor({ floorFile });
    served = await sign(5, "PAUSED");
    await before.start();
    before.stop();
    expect(before.book.get("FRA")?.version).toBe(5);
    // A restarted gateway is fed the older, still validly signed version 4 (GBR active).
    served = await sign(4, "ACTIVE");
    const after = storeFor({ floorFile });
    await after.start();
    after.stop();
    expect(after.book.size).toBe(0);
    served = await sign(6, "PAUSED");
    await after.poll();
    expect(after.book.get("FRA")?.version).toBe(6);
  });

  it("refuses a document larger than 64 KiB unread, and a 304 to a request that asked for nothing", async () => {
    const big = createServer((_req, res) => {
      res.writeHead(200);
      const chunk = "x".repeat(16 * 1024);
      for (let i = 0; i < 100; i++) res.write(chunk);
      res.end();
    });
    await new Promise<void>((resolve) => big.listen(0, "127.0.0.1", resolve));
    const huge = storeFor({ source: `http://127.0.0.1:${(big.address() as AddressInfo).port}/agreements` });
    await huge.poll();
    expect(huge.book.size).toBe(0);
    await new Promise<void>((resolve) => big.close(() => resolve()));
    const stale = createServer((_req, res) => res.writeHead(304).end());
    await new Promise<void>((resolve) => stale.listen(0, "127.0.0.1", resolve));
    const notModified = storeFor({ source: `http://127.0.0.1:${(stale.address() as AddressInfo).port}/agreements` });
    await notModified.poll();
    expect(notModified.book.size).toBe(0);
    await new Promise<void>((resolve) => stale.close(() => resolve()));
  });

  it("refuses a document issued far in the future", async () => {
    served = await signAgreementDocument(
      { ...documentOf("FRA", { GBR: { expires: Date.now() + 86_400_000 } }, 2), issuedAt: Date.now() + 3_600_000 },
      key.privateKey,
      key.kid,
    );
    await store.poll();
    expect(inForce()?.version).toBe(1);
  });
});
