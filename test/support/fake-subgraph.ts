import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How a fake nation answers: never ("silent"), or with `answer` as JSON, after `delayMs`. */
export type FakeBehaviour = "silent" | { answer: unknown; delayMs?: number };

export interface FakeSubgraph {
  url: string;
  /** Requests received so far. */
  requests(): number;
  /** How the next requests are answered. */
  behave(behaviour: FakeBehaviour): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a nation's subgraph on 127.0.0.1 and an ephemeral port,
 * for fault tests: it ignores what it is sent (envelope included) and
 * answers as it is told, or not at all.
 */
export async function startFakeSubgraph(initial: FakeBehaviour): Promise<FakeSubgraph> {
  let behaviour = initial;
  let received = 0;
  const pending = new Set<NodeJS.Timeout>();
  const answer = (res: ServerResponse, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    received += 1;
    req.resume();
    const now = behaviour;
    if (now === "silent") return;
    if (!now.delayMs) return answer(res, now.answer);
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer(res, now.answer);
    }, now.delayMs);
    pending.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests: () => received,
    behave(next) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
