import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { ErrorCode } from "./error-codes.js";
import { logger } from "./logger.js";

/** Largest request body accepted, in bytes; larger bodies get 413 without being read. */
export const MAX_BODY_BYTES = 1_000_000;

/** A refusal with an HTTP status and a code from the registry; its message is shown to the client, with any headers (Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

/** What a handler answers: a status, a JSON body already serialised, and any extra headers (a page may set another content-type). */
export interface HttpReply {
  status: number;
  json: string;
  headers?: Record<string, string>;
}

export const jsonReply = (status: number, value: unknown, headers?: Record<string, string>): HttpReply => ({
  status,
  json: JSON.stringify(value),
  headers,
});

/** The body of an error answer: one error with a message and a code. */
export const errorBody = (code: ErrorCode, message: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * Handles one request to the server's path. The body is read only when asked
 * for, so a request can be refused unread; throw an HttpError to refuse.
 */
export type RequestHandler = (req: IncomingMessage, readBody: () => Promise<unknown>) => Promise<HttpReply>;

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, ErrorCode.PayloadTooLarge, "Request body is too large");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, ErrorCode.PayloadTooLarge, "Request body is too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === "") return undefined;
  if (!contentType?.toLowerCase().startsWith("application/json")) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, ErrorCode.BadRequest, "Request body is not valid JSON");
  }
}

function send(res: ServerResponse, reply: HttpReply): void {
  res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
  res.end(reply.json);
}

export function errorReply(error: HttpError): HttpReply {
  const headers: Record<string, string> | undefined = error.status === 401 ? { "www-authenticate": 'Bearer realm="tearline"' } : undefined;
  return jsonReply(error.status, errorBody(error.code, error.message), error.headers ? { ...headers, ...error.headers } : headers);
}

/** How long the rest of a refused request's body is read, and dropped, before its connection is cut. */
export const LINGER_MS = 3000;

/**
 * A request refused before its body was read whole: Node reads the rest, however long it is said to be, to reach
 * the next request on the connection. It may for a while, so that a client still sending sees the answer (a
 * connection cut at once makes it fail on its own write), but no longer: the connection is cut LINGER_MS after the
 * answer unless the body has ended by then.
 */
function lingerThenCut(req: IncomingMessage, res: ServerResponse): void {
  // The response lets go of its socket once finished: hold on to it here (none: the connection is gone already).
  const socket = res.socket ?? req.socket;
  if (!socket) return;
  res.once("finish", () => {
    const timer = setTimeout(() => {
      if (!req.complete) socket.destroy();
    }, LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
}

/**
 * A read-only page answered to GET; its reply need not be JSON if it says its own content-type. `closing` is aborted
 * when the server starts closing: a page that holds its answer (a long poll) answers at once then.
 */
export type Page = (req: IncomingMessage, closing: AbortSignal) => HttpReply | Promise<HttpReply>;

export interface JsonHttpServerOptions {
  handle: RequestHandler;
  /** Where operations are POSTed; default /graphql. */
  path?: string;
  /** Read-only operational pages answered to GET by path, such as /metrics; each is built anew per request. */
  pages?: Readonly<Record<string, Page>>;
}

const log = logger("http");

/** What each server made here does when it starts closing: tell the answers being worked on to close their connections. */
const drainers = new WeakMap<Server, () => void>();

/** How long a client has to send a whole request, headers and body. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A Node http server for one JSON endpoint (POST only), a liveness probe
 * at /health and any read-only pages it is given. Every failure becomes JSON with a status and extensions.code;
 * bad input never crashes the process, and an unexpected error never shows
 * its message.
 */
export function createJsonHttpServer(options: JsonHttpServerOptions): Server {
  const path = options.path ?? "/graphql";
  const answering = new Set<ServerResponse>();
  const closing = new AbortController();
  // A request must arrive whole within 30 s (Node's default is 5 minutes), headers included: a slow client cannot hold a
  // socket long. Connections are checked every second, not every 30 s (Node's default), or a slow one could last twice as
  // long. Node reads both timeouts at each check: a server may set shorter ones (REQUEST_TIMEOUT_MS) after this.
  const timeouts = { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 };
  const server = createServer(timeouts, (req, res) => {
    answering.add(res);
    res.once("close", () => answering.delete(res));
    handle(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) log.error({ err: error }, "request failed");
      const httpError = error instanceof HttpError ? error : new HttpError(500, ErrorCode.Internal, "Internal server error");
      if (!req.complete) lingerThenCut(req, res);
      if (!res.headersSent) send(res, errorReply(httpError));
      else res.destroy();
    });
  });
  server.on("clientError", answerClientError);
  drainers.set(server, () => {
    for (const res of answering) if (!res.headersSent) res.shouldKeepAlive = false;
    closing.abort();
  });
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      throw new HttpError(400, ErrorCode.BadRequest, "Malformed request target");
    }
    if (url.pathname === "/health") {
      send(res, { status: 200, json: '{"status":"ok"}' });
      return;
    }
    const page = Object.hasOwn(options.pages ?? {}, url.pathname) ? options.pages![url.pathname] : undefined;
    if (page) {
      if (req.method !== "GET") throw new HttpError(405, ErrorCode.MethodNotAllowed, "Read this page with GET");
      send(res, await page(req, closing.signal));
      return;
    }
    if (url.pathname !== path) throw new HttpError(404, ErrorCode.NotFound, "Not found");
    // Only POST: a GET query could be sent by any web page the analyst has open.
    if (req.method !== "POST") throw new HttpError(405, ErrorCode.MethodNotAllowed, "Send GraphQL operations with POST");
    send(res, await options.handle(req, async () => parseBody(await readBody(req), req.headers["content-type"])));
  }
}

/** What Node's parser refused, as a status, a code and a message; Node's own answer would be a bare status line. */
function clientErrorReply(error: NodeJS.ErrnoException): HttpError {
  if (error.code === "HPE_HEADER_OVERFLOW") return new HttpError(431, ErrorCode.HeadersTooLarge, "Request headers are too large");
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") return new HttpError(408, ErrorCode.RequestTimeout, "The request did not arrive in time");
  return new HttpError(400, ErrorCode.BadRequest, "Malformed HTTP request");
}

/**
 * A request Node's parser refused (headers too large, a request not whole within the timeout, bytes that are no
 * HTTP): answered as every other refusal, JSON with a code, then the connection is closed. Nothing is written to a
 * connection that is gone or already has an answer under way (Node's own rule).
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable || (socket as { _httpMessage?: ServerResponse })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = clientErrorReply(error);
  const body = JSON.stringify(errorBody(refusal.code, refusal.message));
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Listens on host:port (port 0 picks a free one) and returns the bound port. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** How long close() waits for requests in flight unless told otherwise. */
export const CLOSE_DEADLINE_MS = 10_000;

/**
 * Stops accepting connections and waits for in-flight requests to finish, at
 * most `deadlineMs`; then cuts the connections still open. Every answer sent
 * from now on says `Connection: close` and closes its connection, those in
 * flight included: Node would otherwise keep a kept-alive connection open
 * after its answer, serve further requests on it, and wait for its idle
 * timeout, so that a client sending request after request could hold the
 * shutdown open for ever.
 */
export async function close(server: Server, deadlineMs = CLOSE_DEADLINE_MS): Promise<void> {
  drainers.get(server)?.();
  const closeAfterAnswer = (_req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  };
  server.on("request", closeAfterAnswer);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A server not made here keeps its connections alive after an answer: close each as soon as it is idle.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deadlineMs);
  });
  const outcome = await Promise.race([closed.then(() => "closed" as const), deadline]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (outcome === "deadline") {
    log.warn({ deadlineMs }, "requests still in flight at the shutdown deadline: their connections are cut");
    server.closeAllConnections();
    await closed;
  }
  server.off("request", closeAfterAnswer);
}
