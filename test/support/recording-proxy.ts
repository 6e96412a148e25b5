import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordingProxy {
  url: string;
  /** Every request body the gateway sent through the proxy, parsed. */
  requests: Array<{ query: string; variables?: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Stands between the gateway and one subgraph and records what the gateway asks it for. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordingProxy["requests"] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    requests.push(JSON.parse(body) as RecordingProxy["requests"][number]);
    const upstream = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body });
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
