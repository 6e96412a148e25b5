import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How a fake subgraph answers one request; it may write as much as it likes, and learns when the client hangs up. */
export type SubgraphAnswer = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface StreamingSubgraph {
  url: string;
  /** Bytes of body written so far, all requests together. */
  readonly written: number;
  /** How each request is answered from now on. */
  answer: SubgraphAnswer;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 and an ephemeral port, standing in for a subgraph that answers as `answer` says (as much as it likes); it ignores envelopes and bodies. */
export async function startStreamingSubgraph(answer: SubgraphAnswer): Promise<StreamingSubgraph> {
  let written = 0;
  const fake: StreamingSubgraph = {
    url: "",
    get written() {
      return written;
    },
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const write = res.write.bind(res) as (chunk: Buffer | string) => boolean;
    res.write = ((chunk: Buffer | string, ...rest: unknown[]) => {
      written += Buffer.byteLength(chunk);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    req.resume();
    void fake.answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return fake;
}

/**
 * Streams `bytes` of junk as a JSON answer that never closes (`{"data":{"x":"aaaa…`), chunk by chunk with
 * backpressure, and stops as soon as the client hangs up: what a subgraph gone wrong, or hostile, could send.
 */
export const streamJunk =
  (bytes: number, declareLength = false): SubgraphAnswer =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", ...(declareLength ? { "content-length": String(bytes) } : {}) });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    res.write('{"data":{"x":"');
    const pump = () => {
      while (!closed && sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!closed) res.end('"}}');
    };
    pump();
  };
