import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cappedGet } from "../../lib/capped-get.js";

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/small") res.writeHead(200, { etag: '"v1"', "content-type": "text/plain" }).end("hello");
    else if (req.url === "/declared-large") res.writeHead(200, { "content-length": "100" }).end("x".repeat(100));
    // Declares more than the cap, then sends nothing: only the declaration can end the read before the deadline.
    else if (req.url === "/declared-large-silent") res.writeHead(200, { "content-length": "51" }).flushHeaders();
    else if (req.url === "/exactly-the-cap") res.writeHead(200, { "content-length": "50" }).end("z".repeat(50));
    else if (req.url === "/streamed-exactly-the-cap") {
      res.writeHead(200);
      for (let i = 0; i < 5; i++) res.write("w".repeat(10));
      res.end();
    } else if (req.url === "/streamed-large") {
      // No content-length: chunked, and larger than the cap only once read.
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write("y".repeat(10));
      res.end();
    } else if (req.url === "/not-modified") res.writeHead(304, { "preference-applied": "wait=2" }).end();
    else if (req.url === "/headers") res.writeHead(200).end(`${req.headers["if-none-match"]} ${req.headers.prefer}`);
    else res.writeHead(404).end("no such document, and a long page about it");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const get = (path: string, headers: Record<string, string> = {}) =>
  cappedGet(`${base}${path}`, { headers, signal: AbortSignal.timeout(5000), maxBytes: 50 });

describe("a capped GET", () => {
  it("reads a 200's body and its headers", async () => {
    const answer = await get("/small");
    expect([answer.status, answer.text, answer.header("etag")]).toEqual([200, "hello", '"v1"']);
    expect(answer.header("preference-applied")).toBeUndefined();
  });

  it("sends the headers it is given", async () => {
    expect((await get("/headers", { "if-none-match": '"v1"', prefer: "wait=2" })).text).toBe('"v1" wait=2');
  });

  it("refuses a body declared larger than the cap, and one that grows past it while read", async () => {
    expect(await get("/declared-large")).toMatchObject({ status: 200, text: undefined });
    expect(await get("/streamed-large")).toMatchObject({ status: 200, text: undefined });
  });

  it("refuses a body declared too large at once, without waiting for bytes that may never come", async () => {
    const answer = await cappedGet(`${base}/declared-large-silent`, { headers: {}, signal: AbortSignal.timeout(2000), maxBytes: 50 });
    expect(answer).toMatchObject({ status: 200, text: undefined });
  });

  it("reads a body of exactly the cap, declared or streamed", async () => {
    expect((await get("/exactly-the-cap")).text).toBe("z".repeat(50));
    expect((await get("/streamed-exactly-the-cap")).text).toBe("w".repeat(50));
  });

  it("reads no body but a 200's: a 304 and a 404 come back with their status and headers only", async () => {
    const notModified = await get("/not-modified");
    expect([notModified.status, notModified.text, notModified.header("preference-applied")]).toEqual([304, undefined, "wait=2"]);
    expect(await get("/missing")).toMatchObject({ status: 404, text: undefined });
    // The connection is usable again afterwards: the discarded bodies were drained.
    expect((await get("/small")).text).toBe("hello");
  });
});
