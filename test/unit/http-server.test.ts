import type { IncomingMessage, Server } from "node:http";
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../lib/error-codes.js";
import { close, createJsonHttpServer, HttpError, jsonReply, listen, MAX_BODY_BYTES, type RequestHandler } from "../../lib/http-server.js";

let server: Server;
let base: string;
let handler: RequestHandler = async () => jsonReply(200, { ok: true });

beforeAll(async () => {
  server = createJsonHttpServer({
    handle: (req, readBody) => handler(req, readBody),
    pages: { "/metrics": () => jsonReply(200, { page: "metrics" }, { "cache-control": "no-store" }) },
  });
  base = `http://127.0.0.1:${await listen(server, "127.0.0.1", 0)}`;
});
afterAll(() => close(server));

/** One raw request; `chunks` are written one by one, so the body can grow past any declared length. */
function send(method: string, path: string, headers: Record<string, string> = {}, chunks: string[] = []) {
  return new Promise<{
    status: number;
    headers: IncomingMessage["headers"];
    body: { errors?: Array<{ message: string; extensions: { code: string } }> } & Record<string, unknown>;
  }>((resolve, reject) => {
    // A fresh connection each time: a refused body may leave its connection unusable, as it should.
    const req = request(`${base}${path}`, { method, headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const code = (body: { errors?: Array<{ extensions: { code: string } }> }) => body.errors?.[0]?.extensions.code;

describe("the JSON HTTP server", () => {
  it("answers /health", async () => {
    expect(await send("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
  });

  it("answers a page to GET only, and no page for a path it was not given (inherited names included)", async () => {
    const page = await send("GET", "/metrics");
    expect([page.status, page.body, page.headers["cache-control"]]).toEqual([200, { page: "metrics" }, "no-store"]);
    const posted = await send("POST", "/metrics", { "content-type": "application/json" }, ["{}"]);
    expect([posted.status, code(posted.body)]).toEqual([405, ErrorCode.MethodNotAllowed]);
    for (const path of ["/constructor", "/toString", "/hasOwnProperty"]) {
      const missing = await send("GET", path);
      expect([path, missing.status, code(missing.body)]).toEqual([path, 404, ErrorCode.NotFound]);
    }
  });

  it("answers 404 NOT_FOUND for any other path", async () => {
    const { status, body } = await send("POST", "/graphql/extra");
    expect([status, code(body)]).toEqual([404, "NOT_FOUND"]);
  });

  it("answers 405 METHOD_NOT_ALLOWED for anything but POST", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const { status, body } = await send(method, "/graphql");
      expect([method, status, code(body)]).toEqual([method, 405, "METHOD_NOT_ALLOWED"]);
    }
  });

  it("answers 413 PAYLOAD_TOO_LARGE for a declared length over the limit, without reading the body", async () => {
    let read = false;
    handler = async (_req, readBody) => {
      await readBody();
      read = true;
      return jsonReply(200, {});
    };
    const { status, body } = await send(
      "POST",
      "/graphql",
      { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) },
      [],
    );
    expect([status, code(body), read]).toEqual([413, "PAYLOAD_TOO_LARGE", false]);
  });

  it("answers 413 PAYLOAD_TOO_LARGE for a chunked body that grows past the limit, and accepts one at the limit", async () => {
    handler = async (_req, readBody) => jsonReply(200, { length: String(await readBody()).length });
    const streamed = (chunks: number) =>
      fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        // A stream has no declared length: the server must count as it reads.
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < chunks; i++) controller.enqueue(new TextEncoder().encode("x".repeat(100_000)));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
    const over = await streamed(11);
    expect([over.status, code((await over.json()) as { errors: Array<{ extensions: { code: string } }> })]).toEqual([
      413,
      "PAYLOAD_TOO_LARGE",
    ]);
    const at = await streamed(10);
    expect([at.status, await at.json()]).toEqual([200, { length: MAX_BODY_BYTES }]);
  });

  it("answers 400 BAD_REQUEST for malformed JSON", async () => {
    handler = async (_req, readBody) => jsonReply(200, { body: await readBody() });
    const { status, body } = await send("POST", "/graphql", { "content-type": "application/json" }, ["{"]);
    expect([status, code(body)]).toEqual([400, "BAD_REQUEST"]);
  });

  it("answers what Node's parser refuses as JSON with a code, then closes: headers too large (431), bytes that are no HTTP (400)", async () => {
    const raw = (bytes: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(base).port), "127.0.0.1", () => socket.end(bytes));
        let text = "";
        socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
      });
    const oversized = await raw(`POST /graphql HTTP/1.1\r\nhost: x\r\nx-big: ${"k".repeat(100_000)}\r\n\r\n`);
    expect(oversized).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(oversized).toMatch(/connection: close/i);
    expect(JSON.parse(oversized.split("\r\n\r\n")[1]!)).toEqual({
      errors: [{ message: "Request headers are too large", extensions: { code: ErrorCode.HeadersTooLarge } }],
    });
    const garbage = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(garbage.split("\r\n\r\n")[1]!).errors[0].extensions.code).toBe(ErrorCode.BadRequest);
    expect((await send("GET", "/health")).status).toBe(200);
  });

  it("answers 500 INTERNAL_SERVER_ERROR for an unexpected error, without its message", async () => {
    handler = async () => {
      throw new Error("secret internal detail at /srv/db");
    };
    const { status, body } = await send("POST", "/graphql");
    expect(body).toEqual({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
    expect(status).toBe(500);
  });

  it("passes an HttpError's status, code and message, and a Bearer challenge with a 401", async () => {
    handler = async () => {
      throw new HttpError(401, ErrorCode.Unauthenticated, "Authentication required");
    };
    const { status, body, headers } = await send("POST", "/graphql");
    expect([status, code(body), body.errors?.[0]?.message]).toEqual([401, "UNAUTHENTICATED", "Authentication required"]);
    expect(headers["www-authenticate"]).toBe('Bearer realm="tearline"');
  });
});
