import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from "@apollo/server";

/** Largest request body accepted, in bytes; larger bodies get 413 without being read. */
export const MAX_BODY_BYTES = 1_000_000;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, "PAYLOAD_TOO_LARGE", "Request body is too large");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "PAYLOAD_TOO_LARGE", "Request body is too large");
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
    throw new HttpError(400, "BAD_REQUEST", "Request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

export function sendJsonError(res: ServerResponse, error: HttpError): void {
  const headers: Record<string, string> = error.status === 401 ? { "www-authenticate": 'Bearer realm="tearline"' } : {};
  sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] }, headers);
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** What to do with a request: answer it directly, or hand a (possibly rewritten) body to Apollo Server. */
export type PreparedRequest<TContext> =
  | { kind: "respond"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "respond-json"; status: number; json: string }
  | { kind: "execute"; body: unknown; context: TContext };

export interface GraphQLHttpOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /**
   * Runs before Apollo Server sees the request: builds the context, may rewrite
   * the body or answer directly. Throw an HttpError to refuse the request. The
   * body is read only when asked for, so a request can be refused unread.
   */
  prepare: (req: IncomingMessage, readBody: () => Promise<unknown>) => Promise<PreparedRequest<TContext>>;
  path?: string;
}

/**
 * A Node http server that serves one Apollo Server at `path` and a liveness
 * probe at /health. Errors become JSON with a status and extensions.code; the
 * process never crashes on bad input.
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(options: GraphQLHttpOptions<TContext>): Server {
  const path = options.path ?? "/graphql";
  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const httpError = error instanceof HttpError ? error : new HttpError(500, "INTERNAL_SERVER_ERROR", "Internal server error");
      if (!(error instanceof HttpError)) console.error("request failed:", error);
      if (!res.headersSent) sendJsonError(res, httpError);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      throw new HttpError(400, "BAD_REQUEST", "Malformed request target");
    }
    if (url.pathname === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (url.pathname !== path) throw new HttpError(404, "NOT_FOUND", "Not found");
    // Only POST: a GET query could be sent by any web page the analyst has open.
    if (req.method !== "POST") throw new HttpError(405, "METHOD_NOT_ALLOWED", "Send GraphQL operations with POST");
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const prepared = await options.prepare(req, async () => parseBody(await readBody(req), req.headers["content-type"]));
    if (prepared.kind === "respond") {
      sendJson(res, prepared.status, prepared.body, prepared.headers);
      return;
    }
    if (prepared.kind === "respond-json") {
      res.writeHead(prepared.status, { "content-type": "application/json; charset=utf-8" }).end(prepared.json);
      return;
    }
    const response = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: url.search, body: prepared.body },
      context: async () => prepared.context,
    });
    await writeResponse(res, response);
  }
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

/** Stops accepting connections and waits for in-flight requests to finish. */
export async function close(server: Server): Promise<void> {
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
