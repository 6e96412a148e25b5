import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgreementStore } from "../../gateway/agreements/store.js";
import { signAgreementDocument } from "../../lib/agreement-jws.js";
import { close, createJsonHttpServer, jsonReply, listen } from "../../lib/http-server.js";
import { AGREEMENTS_PATH, agreementsPage } from "../../subgraphs/shared/agreements-page.js";
import { documentOf } from "../support/agreements-fixture.js";
import { newNationKey } from "../support/nation-key.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();

// The gateway holds a conditional request open at each nation (Prefer: wait), so that a change is in force as soon as
// the nation publishes it, not at the next poll.
describe("the gateway's agreement store, against an endpoint that holds unchanged answers", () => {
  const running: Array<{ stop(): void } | Server> = [];
  afterEach(async () => {
    for (const item of running.splice(0)) {
      if ("stop" in item) item.stop();
      else await close(item);
    }
  });

  async function nation() {
    const folder = temporary("tearline-held-");
    const key = await newNationKey();
    const keysFile = join(folder, "jwks.json");
    writeFileSync(keysFile, JSON.stringify(key.jwks));
    const file = join(folder, "agreements.jws");
    const publish = async (version: number, status: "ACTIVE" | "PAUSED") => {
      const signed = await signAgreementDocument(
        documentOf("FRA", { GBR: { status, expires: Date.now() + 86_400_000 } }, version),
        key.privateKey,
        key.kid,
      );
      writeFileSync(`${file}.tmp`, signed);
      renameSync(`${file}.tmp`, file);
    };
    return { keysFile, file, publish };
  }

  const storeAt = (url: string, keysFile: string, pollMs: number) => {
    const store = new AgreementStore([{ nation: "FRA", url, keys: { file: keysFile } }], {
      pollMs,
      fetchTimeoutMs: 2000,
      onChange: () => {},
    });
    running.push(store);
    return store;
  };
  const statusOfGbr = (store: AgreementStore) => store.book.get("FRA")?.partners.get("GBR")?.status;

  it("puts a pause in force within a fraction of the poll interval of its publication", async () => {
    const { keysFile, file, publish } = await nation();
    await publish(1, "ACTIVE");
    const server = createJsonHttpServer({ handle: async () => jsonReply(200, {}), pages: { [AGREEMENTS_PATH]: agreementsPage(file) } });
    running.push(server);
    const store = storeAt(`http://127.0.0.1:${await listen(server, "127.0.0.1", 0)}${AGREEMENTS_PATH}`, keysFile, 6000);
    await store.start();
    expect(statusOfGbr(store)).toBe("ACTIVE");
    // The first held request goes out one poll (6 s) after the start; published half a second into it, the pause would
    // wait 5.5 s for the next poll were the request not held.
    await new Promise((resolve) => setTimeout(resolve, 6500));
    const published = performance.now();
    await publish(2, "PAUSED");
    while (statusOfGbr(store) !== "PAUSED") {
      expect(performance.now() - published).toBeLessThan(3000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.log(`held poll: pause in force ${Math.round(performance.now() - published)} ms after publication (poll interval 6 s)`);
  }, 15_000);

  it("asks a nation with nothing in force again within a quarter of a second, not a poll later (a subgraph still starting)", async () => {
    const { keysFile, file, publish } = await nation();
    await publish(1, "PAUSED");
    let up = false;
    const server = createServer((_req, res) => {
      if (!up) res.writeHead(503).end();
      else res.writeHead(200, { etag: '"v1"', "content-type": "application/jose" }).end(readFileSync(file, "utf8"));
    });
    running.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const store = storeAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}/agreements`, keysFile, 10_000);
    await store.start();
    expect(statusOfGbr(store)).toBeUndefined();
    up = true;
    const cameUp = performance.now();
    while (statusOfGbr(store) !== "PAUSED") {
      expect(performance.now() - cameUp).toBeLessThan(2000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it("asks again no more than twice a second when an endpoint claims to hold but answers at once, and polls an endpoint that does not hold", async () => {
    const { keysFile, file, publish } = await nation();
    await publish(1, "ACTIVE");
    const text = readFileSync(file, "utf8");
    const count = { eager: 0, plain: 0 };
    const endpoint = (kind: keyof typeof count, applies: boolean) =>
      createServer((req: IncomingMessage, res) => {
        count[kind]++;
        const etag = '"v1"';
        const applied = applies && req.headers.prefer ? { "preference-applied": String(req.headers.prefer) } : {};
        if (req.headers["if-none-match"] === etag) res.writeHead(304, { etag, ...applied }).end();
        else res.writeHead(200, { etag, "content-type": "application/jose", ...applied }).end(text);
      });
    const stores = [];
    for (const [kind, applies] of [
      ["eager", true],
      ["plain", false],
    ] as const) {
      const server = endpoint(kind, applies);
      running.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const store = storeAt(`http://127.0.0.1:${(server.address() as AddressInfo).port}/agreements`, keysFile, 1000);
      await store.start();
      stores.push(store);
    }
    await new Promise((resolve) => setTimeout(resolve, 3200));
    // One read at the start, then: the eager endpoint every 500 ms after the first poll (at 1 s), the plain one every 1 s.
    expect(count.eager).toBeGreaterThanOrEqual(4);
    expect(count.eager).toBeLessThanOrEqual(7);
    expect(count.plain).toBeGreaterThanOrEqual(3);
    expect(count.plain).toBeLessThanOrEqual(4);
    expect(stores.map(statusOfGbr)).toEqual(["ACTIVE", "ACTIVE"]);
  });
});
