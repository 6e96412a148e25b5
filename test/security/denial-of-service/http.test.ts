import type { Socket } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync, constants as zlib } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { peakRssMb } from "../../../bench/proc.js";
import { LINGER_MS } from "../../../lib/http-server.js";
import { type FakeSubgraph, startFakeSubgraph } from "../../support/fake-subgraph.js";
import { type FaultGateway, faultGatewayLog, startFaultGateway } from "../../support/fault-gateway.js";
import { expectNoLeak } from "../../support/leak-scan.js";
import { openSocket, postHead, untilClosed } from "../../support/raw-socket.js";

// Denial of service at the HTTP layer (issue 12): compressed bombs, bodies too large or lying about their length, slow
// and idle connections, and request bodies of every bad shape, against a real gateway process (its only nation a fake).
// Each refusal is a 4xx with a code, fast, and the gateway keeps serving a normal request throughout.

const ACTORS = "{ threatActors(first: 1) { name } }";
/** The gateway's request timeout here: short, so that a slow client's cut is seen within the test. */
const REQUEST_TIMEOUT_MS = 5000;
const ANSWER = { data: { threatActors: [{ name: "Slow Pike" }] } };
const MiB = 1024 * 1024;

let nation: FakeSubgraph;
let gateway: FaultGateway;
let headers: Record<string, string>;
/** Every refusal's body, scanned for internals at the end. */
const refusals: string[] = [];

beforeAll(async () => {
  nation = await startFakeSubgraph({ answer: ANSWER });
  gateway = await startFaultGateway({ subgraphs: { GBR: nation.url }, env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) } });
  headers = await gateway.headers();
});
afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(faultGatewayLog());
});
afterAll(async () => {
  await gateway?.gateway.stop(1000);
  await nation?.close();
});

const url = () => gateway.gateway.url;

interface Reply {
  status: number;
  text: string;
  codes: unknown[];
}

/** POSTs `body` as it is (an object as JSON) with the caller's headers and any others, whatever it holds. */
async function send(body: unknown, extra: Record<string, string> = {}, init: RequestInit = {}): Promise<Reply> {
  const raw = typeof body === "string" || Buffer.isBuffer(body) || body instanceof ReadableStream ? body : JSON.stringify(body);
  const response = await fetch(url(), { method: "POST", headers: { ...headers, ...extra }, body: raw as BodyInit, ...init });
  const text = await response.text();
  let codes: unknown[] = [];
  try {
    codes = ((JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors ?? []).map((e) => e.extensions?.code);
  } catch {
    codes = [];
  }
  return { status: response.status, text, codes };
}
const pid = () => gateway.gateway.child.pid!;

/** A normal request, answered in full and fast (2 s, generous: CI machines are shared). */
async function expectServed(): Promise<void> {
  const started = Date.now();
  const { status, text } = await send({ query: ACTORS });
  expect({ status, body: JSON.parse(text) as unknown }).toMatchObject({ status: 200, body: { data: ANSWER.data } });
  expect(Date.now() - started).toBeLessThan(2000);
}

/** A refusal: the status, one code from the registry, kept for the final scan. */
function expectRefused(reply: Reply, status: number | number[], code?: string): void {
  expect(Array.isArray(status) ? status : [status], reply.text.slice(0, 300)).toContain(reply.status);
  expect(reply.codes).toHaveLength(1);
  if (code) expect(reply.codes).toEqual([code]);
  else expect(reply.codes[0]).toMatch(/^[A-Z_]+$/);
  refusals.push(reply.text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("compressed bodies", () => {
  /** Concatenated gzip members of 16 MiB of zeros each: under 1 MB on the wire, about a GiB inflated. */
  const gzipBomb = () => {
    const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
    return Buffer.concat(Array.from({ length: Math.floor(950_000 / member.length) }, () => member));
  };
  const bombs: Array<[string, () => Buffer, number]> = [
    ["gzip", gzipBomb, 900],
    ["deflate", () => deflateSync(Buffer.alloc(64 * MiB), { level: 9 }), 64],
    ["br", () => brotliCompressSync(Buffer.alloc(64 * MiB), { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } }), 64],
  ];

  it.each(bombs)(
    "refuses a %s bomb with 400 at once, never inflating it: the gateway's memory stays flat",
    async (encoding, bomb, inflatedMiB) => {
      const body = bomb();
      expect(body.length).toBeLessThan(1_000_000);
      const before = peakRssMb(pid());
      const started = Date.now();
      const reply = await send(body, { "content-encoding": encoding });
      const ms = Date.now() - started;
      expectRefused(reply, [400, 413, 415]);
      expect(ms).toBeLessThan(2000);
      const after = peakRssMb(pid());
      console.info(
        `${encoding} bomb of ${body.length} bytes (${inflatedMiB} MiB inflated): ${reply.status} in ${ms} ms, gateway peak RSS ${before} -> ${after} MiB`,
      );
      expect(after - before).toBeLessThan(64);
      await expectServed();
    },
  );
});

describe("bodies too large or lying about their length", () => {
  it("refuses a 10 MB body with 413 PAYLOAD_TOO_LARGE before reading it, declared or chunked", async () => {
    const body = Buffer.alloc(10 * MiB, "a");
    for (const chunked of [false, true]) {
      const started = Date.now();
      const reply = await send(chunked ? new Blob([body]).stream() : body, {}, chunked ? ({ duplex: "half" } as RequestInit) : {});
      expectRefused(reply, 413, "PAYLOAD_TOO_LARGE");
      expect(Date.now() - started).toBeLessThan(3000);
    }
    await expectServed();
  });

  it("answers 413 to a body declared as 10 GB and does not go on reading it: the connection is closed", async () => {
    const socket = await openSocket(url());
    socket.write(postHead(url(), { ...headers, "content-length": String(10 * 1024 * MiB) }));
    const closed = untilClosed(socket, LINGER_MS + 6000);
    // The client keeps sending as fast as the connection takes it.
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (!socket.destroyed && socket.write(chunk)) sent += chunk.length;
      if (!socket.destroyed) socket.once("drain", pump);
    };
    pump();
    const { text, closedAfterMs } = await closed;
    socket.destroy();
    console.info(`10 GB declared: connection closed after ${closedAfterMs} ms, ${(sent / MiB).toFixed(0)} MiB sent`);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text).toContain('"PAYLOAD_TOO_LARGE"');
    expect(closedAfterMs).toBeDefined();
    // Read on for a moment, so that a client still sending sees the 413, then cut.
    expect(closedAfterMs!).toBeLessThan(LINGER_MS + 3000);
    await expectServed();
  });

  it("a Content-Length shorter than the body: a 400 and the connection closed, never a 500", async () => {
    const socket = await openSocket(url());
    const body = JSON.stringify({ query: ACTORS });
    socket.end(postHead(url(), { ...headers, "content-length": "10" }) + body);
    const { text, closedAfterMs } = await untilClosed(socket, 5000);
    expect(closedAfterMs).toBeDefined();
    // The rest of the body is no request: the server refuses it (a 400 with its code, before the first answer is ready).
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/"code":"BAD_REQUEST"/);
    expect(text).not.toMatch(/HTTP\/1\.1 [25]\d\d/);
    await expectServed();
  });

  it("a Content-Length longer than the body: never answered as if whole, cut at the request timeout, others served meanwhile", async () => {
    const socket = await openSocket(url());
    const body = JSON.stringify({ query: ACTORS });
    socket.write(postHead(url(), { ...headers, "content-length": String(body.length + 100) }) + body);
    const closed = untilClosed(socket, REQUEST_TIMEOUT_MS + 5000);
    await sleep(300);
    await expectServed();
    const { text, closedAfterMs } = await closed;
    socket.destroy();
    expect(closedAfterMs).toBeDefined();
    expect(closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
    expect(text).not.toMatch(/HTTP\/1\.1 [25]\d\d/);
    await expectServed();
  });
});

describe("slow and idle connections", () => {
  it("slow-loris: headers a byte per 500 ms, or a body trickled, are cut at the request timeout; others are served meanwhile", async () => {
    const head = postHead(url(), headers);
    const loris: Socket[] = await Promise.all(Array.from({ length: 20 }, () => openSocket(url())));
    const closings = loris.map((socket) => untilClosed(socket, REQUEST_TIMEOUT_MS + 6000));
    const timers = loris.map((socket, i) => {
      // Half of them trickle their headers; the other half send whole headers, then a body a byte at a time.
      if (i % 2 === 1) {
        socket.write(postHead(url(), { ...headers, "content-length": "1000" }));
        return setInterval(() => socket.write("a"), 500);
      }
      let at = 0;
      return setInterval(() => socket.write(head[at++ % head.length]!), 500);
    });
    try {
      const started = Date.now();
      while (Date.now() - started < REQUEST_TIMEOUT_MS - 1000) {
        await expectServed();
        await sleep(300);
      }
      const cut = (await Promise.all(closings)).map(({ closedAfterMs }) => closedAfterMs);
      console.info(`slow-loris: connections cut after ${Math.min(...(cut as number[]))} to ${Math.max(...(cut as number[]))} ms`);
      // Cut within the request timeout and the one-second check, with room for a loaded machine.
      for (const ms of cut) expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3000);
    } finally {
      for (const timer of timers) clearInterval(timer);
      for (const socket of loris) socket.destroy();
    }
    await expectServed();
  });

  it("answers a normal request at once while 500 idle connections are open", async () => {
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 500; i += 50) idle.push(...(await Promise.all(Array.from({ length: 50 }, () => openSocket(url())))));
      await expectServed();
      // Half-sent requests on the same connections change nothing.
      for (const socket of idle.slice(0, 250)) socket.write("POST /graphql HTTP/1.1\r\nhost: x\r\n");
      await expectServed();
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });
});

describe("bodies of every bad shape: a 4xx with a code, never a 500", () => {
  const post = send;

  it("refuses an operation declaring thousands of variables, and serves one sent thousands it does not use", async () => {
    const names = Array.from({ length: 5000 }, (_, i) => `v${i}`);
    const declared = await post({ query: `query(${names.map((n) => `$${n}: Int`).join(", ")}) ${ACTORS}` });
    expectRefused(declared, 400);
    const variables = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`v${i}`, i]));
    const started = Date.now();
    const sent = await post({ query: ACTORS, variables });
    expect(sent.status, sent.text).toBeLessThan(500);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses a variable string past the body limit with 413, and never echoes a long one", async () => {
    const query = "query Actor($id: ID!) { threatActor(id: $id) { name } }";
    expectRefused(await post({ query, variables: { id: "x".repeat(2 * MiB) } }), 413, "PAYLOAD_TOO_LARGE");
    const long = await post({ query, variables: { id: "y".repeat(900_000) } });
    expect(long.status, long.text.slice(0, 500)).toBeLessThan(500);
    expect(long.text).not.toContain("y".repeat(100));
  });

  it("refuses a huge operation name with a 4xx and a code, without echoing it", async () => {
    const reply = await post({ query: ACTORS, operationName: "N".repeat(500_000) });
    expectRefused(reply, 400);
    expect(reply.text.length).toBeLessThan(2000);
  });

  it("refuses deeply nested JSON anywhere in the body with 400", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    for (const body of [
      deep(200_000),
      `{"query": "${ACTORS}", "operationName": ${deep(100_000)}}`,
      `{"query": ${deep(100_000)}}`,
      `{"query": "${ACTORS}", "extensions": ${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}}`,
    ]) {
      const reply = await post(body);
      expect(reply.status, reply.text).toBeLessThan(500);
      if (reply.status !== 200) expectRefused(reply, [400, 413]);
    }
  });

  it("refuses invalid JSON with 400 BAD_REQUEST", async () => {
    for (const body of [`{"query": "${ACTORS}"`, "{query: 1}", "\u0000\u0001", '{"query": "\\ud800"}x', "nul"]) {
      expectRefused(await post(body), 400, "BAD_REQUEST");
    }
  });

  it("still serves a normal request, and no refusal named a library, a URL or a stack frame", async () => {
    await expectServed();
    expect(refusals.length).toBeGreaterThan(10);
    for (const text of refusals) expectNoLeak(text);
  });
});
