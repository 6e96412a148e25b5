import type { Fetcher, FetcherResponse } from "@apollo/utils.fetcher";
import { Agent, type Dispatcher, request } from "undici";

/** Raised when a subgraph fetch passes its deadline, whatever undici calls the abort. */
export class SubgraphTimeoutError extends Error {
  override readonly name = "TimeoutError";
}

/** Raised when a subgraph answers more than the fetcher reads: the rest is never read, and the subgraph has failed. */
export class SubgraphResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
}

/** The default of SUBGRAPH_MAX_RESPONSE_BYTES: a few times the largest answer the cost cap lets a nation's seed data give. */
export const DEFAULT_SUBGRAPH_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const BODY_BYTES = Symbol("bodyBytes");

/** How many bytes of body a response from this fetcher had, for the request's budget. */
export const bodyBytesOf = (response: object | undefined): number => (response as { [BODY_BYTES]?: number } | undefined)?.[BODY_BYTES] ?? 0;

// One keep-alive pool per gateway process, shared by every subgraph.
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });

/**
 * A fetcher over undici.request with a deadline for the whole exchange, which
 * reads at most `maxBytes` of an answer: past it (or a Content-Length past
 * it) the connection is dropped unread, so that a subgraph streaming without
 * end costs the gateway no more than that. It does less work per fetch than
 * WHATWG fetch (no Request/Response/stream objects), which is most of a
 * gateway's cost per subgraph call.
 */
export function deadlineFetcher(timeoutMs: number, maxBytes = DEFAULT_SUBGRAPH_MAX_RESPONSE_BYTES): Fetcher {
  return async (url, init) => {
    // Held by this frame until the exchange ends (the catch below reads it), so that no collection can take it early.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await request(url, {
        method: (init?.method ?? "GET") as "POST",
        headers: init?.headers as Record<string, string> | undefined,
        body: init?.body as string | undefined,
        signal,
        dispatcher: agent,
      });
      const body = await readCapped(response.body, response.headers["content-length"], maxBytes);
      return textResponse(url, response.statusCode, response.headers, body.toString("utf8"), body.length);
    } catch (error) {
      if (signal.aborted) throw new SubgraphTimeoutError(`no answer within ${timeoutMs} ms`);
      throw error;
    }
  };
}

async function readCapped(body: Dispatcher.ResponseData["body"], declared: unknown, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => {
    body.destroy();
    return new SubgraphResponseTooLargeError(`answer larger than ${maxBytes} bytes`);
  };
  if (Number(declared) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function textResponse(
  url: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  bytes: number,
): FetcherResponse {
  const header = (name: string) => {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : (value ?? null);
  };
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: "",
    url,
    redirected: false,
    bodyUsed: true,
    headers: { get: header } as FetcherResponse["headers"],
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    clone() {
      return textResponse(url, status, headers, text, bytes);
    },
    [BODY_BYTES]: bytes,
  } as FetcherResponse;
}
