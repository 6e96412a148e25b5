import { createServer } from "node:http";
import { close, listen } from "../../lib/http-server.js";

/** A GET proxy on 127.0.0.1 that counts what goes through it: for instance how often the gateway reads a key set. */
export interface CountingProxy {
  /** The base URL, such as http://127.0.0.1:PORT, without a trailing slash. */
  url: string;
  /** Requests so far for `path`, or for every path. */
  requests(path?: string): number;
  /** Forwards to the base URL `target` from now on; requests that arrived before wait for it. */
  forwardTo(target: string): void;
  close(): Promise<void>;
}

/**
 * A counting proxy whose target may be known only after its own URL is handed out (the test stack's identity
 * provider starts on a free port, after the gateway's settings that name the proxy are written).
 */
export async function startCountingProxy(): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  let forwardTo!: (target: string) => void;
  const target = new Promise<string>((resolve) => {
    forwardTo = resolve;
  });
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    counts.set(path, (counts.get(path) ?? 0) + 1);
    try {
      const upstream = await fetch(new URL(path, await target), { method: req.method });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(await upstream.text());
    } catch {
      res.writeHead(502).end();
    }
  });
  const port = await listen(server, "127.0.0.1", 0);
  return {
    url: `http://127.0.0.1:${port}`,
    requests: (path) => (path === undefined ? [...counts.values()].reduce((sum, count) => sum + count, 0) : (counts.get(path) ?? 0)),
    forwardTo,
    close: () => close(server),
  };
}
