import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ENVELOPE_HEADER } from "../../lib/access-envelope.js";

export interface RecordingProxy {
  url: string;
  /** Every request body the gateway sent through the proxy, parsed. */
  requests: Array<{ query: string; variables?: Record<string, unknown> }>;
  /** The headers of each of those requests. */
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** Stands between the gateway and one subgraph and records what the gateway asks it for. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordingProxy["requests"] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push(JSON.parse(body) as RecordingProxy["requests"][number]);
    headers.push(req.headers);
    // The gateway's envelope travels on: the subgraph admits nothing without it.
    const envelope = req.headers[ENVELOPE_HEADER];
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json", ...(typeof envelope === "string" ? { [ENVELOPE_HEADER]: envelope } : {}) },
      body,
    });
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
