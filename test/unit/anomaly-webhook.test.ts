import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookNotifier } from "../../gateway/oversight/anomaly/webhook.js";
import type { FlagEvent } from "../../lib/audit/event.js";
import { close, listen } from "../../lib/http-server.js";
import { anomalyConfig } from "../support/anomaly-fixture.js";
import { flag } from "../support/audit-events.js";

const FLAG: FlagEvent = flag({
  at: "2026-12-03T10:00:00.000Z",
  flag: "DENIED_FIELDS",
  subject: { nation: "GBR", sub: "analyst@gbr", issuer: "https://idp.gbr.test.tearline" },
  owners: ["DEU", "FRA"],
  count: 21,
  threshold: 20,
  windowSeconds: 600,
  requestId: "request-1",
});

interface Received {
  path: string;
  method: string;
  contentType: string | undefined;
  body: string;
}

/** A nation's webhook receiver on an ephemeral loopback port, answering each POST with the next status of `statuses` (the last repeats). */
async function receiver(statuses: number[] | "never") {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        method: req.method ?? "",
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks).toString(),
      });
      if (statuses === "never") return void hanging.push(res);
      res.writeHead(statuses[Math.min(received.length, statuses.length) - 1]!).end();
    });
  });
  const port = await listen(server, "127.0.0.1", 0);
  receivers.push({ server, hanging });
  return { received, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

const receivers: Array<{ server: Server; hanging: ServerResponse[] }> = [];
afterEach(async () => {
  for (const { server, hanging } of receivers.splice(0)) {
    for (const res of hanging) res.destroy();
    await close(server);
  }
});

const options = (overrides: Parameters<typeof anomalyConfig>[2] = {}) => anomalyConfig({}, {}, overrides).webhook;

describe("webhook notifications of a flag", () => {
  it("POSTs the flag as JSON to each owner that has a webhook, and to no one else", async () => {
    const { received, url } = await receiver([204]);
    const notifier = new WebhookNotifier({ FRA: url("/fra"), EST: url("/est") }, options());
    notifier.notify(FLAG);
    await notifier.idle();
    expect(received).toEqual([{ path: "/fra", method: "POST", contentType: "application/json", body: JSON.stringify(FLAG) }]);
    expect(notifier.stats).toEqual({ delivered: 1, givenUp: 0, dropped: 0 });
  });

  it("never blocks the caller: notify returns before anything is sent", async () => {
    const { received, url } = await receiver([204]);
    const notifier = new WebhookNotifier({ FRA: url("/fra") }, options());
    notifier.notify(FLAG);
    expect(received).toEqual([]);
    await notifier.idle();
    expect(received).toHaveLength(1);
  });

  it.each([
    ["retries after a 500 and a 503, and delivers", [500, 503, 200], { attempts: 5 }, 3, { delivered: 1, givenUp: 0, dropped: 0 }],
    ["retries a receiver that asks it to slow down (429)", [429, 204], { attempts: 5 }, 2, { delivered: 1, givenUp: 0, dropped: 0 }],
    ["gives up after its attempts", [500], { attempts: 3 }, 3, { delivered: 0, givenUp: 1, dropped: 0 }],
    [
      "gives up at once on an answer another try would not change (4xx)",
      [404],
      { attempts: 5 },
      1,
      { delivered: 0, givenUp: 1, dropped: 0 },
    ],
    [
      "times out a receiver that never answers, retries it, and gives up",
      "never",
      { attempts: 2, timeoutMs: 100 },
      2,
      { delivered: 0, givenUp: 1, dropped: 0 },
    ],
  ] as const)("%s", async (_name, statuses, overrides, tries, stats) => {
    const { received, url } = await receiver(statuses === "never" ? statuses : [...statuses]);
    const notifier = new WebhookNotifier({ FRA: url("/fra") }, options({ backoffMs: 5, ...overrides }));
    notifier.notify(FLAG);
    await notifier.idle();
    expect(received).toHaveLength(tries);
    expect(notifier.stats).toEqual(stats);
  });

  it("waits longer before each try: the back-off doubles", async () => {
    const { received, url } = await receiver([500, 500, 204]);
    const notifier = new WebhookNotifier({ FRA: url("/fra") }, options({ attempts: 5, backoffMs: 40 }));
    const started = performance.now();
    notifier.notify(FLAG);
    await notifier.idle();
    expect(received).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40 + 80 - 5);
  });

  it("gives up on a receiver that is not there, without an unhandled rejection", async () => {
    const { url } = await receiver([204]);
    const gone = url("/fra");
    await close(receivers.pop()!.server);
    const notifier = new WebhookNotifier({ FRA: gone }, options({ attempts: 2, backoffMs: 5 }));
    notifier.notify(FLAG);
    await notifier.idle();
    expect(notifier.stats).toEqual({ delivered: 0, givenUp: 1, dropped: 0 });
  });

  it("bounds what waits: past the queue, new notifications are dropped", async () => {
    const { received, url } = await receiver([204]);
    const notifier = new WebhookNotifier({ FRA: url("/fra"), DEU: url("/deu") }, options({ queue: 3, concurrency: 1 }));
    for (let i = 0; i < 3; i++) notifier.notify({ ...FLAG, requestId: `request-${i}` });
    await notifier.idle();
    expect(notifier.stats).toEqual({ delivered: 3, givenUp: 0, dropped: 3 });
    expect(received.map((r) => `${r.path} ${(JSON.parse(r.body) as FlagEvent).requestId}`)).toEqual([
      "/deu request-0",
      "/fra request-0",
      "/deu request-1",
    ]);
  });

  it("on close, aborts what is in flight and drops what waits", async () => {
    const { received, url } = await receiver("never");
    const notifier = new WebhookNotifier({ FRA: url("/fra") }, options({ timeoutMs: 60_000 }));
    notifier.notify(FLAG);
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await notifier.close();
    notifier.notify(FLAG);
    await notifier.idle();
    expect(received).toHaveLength(1);
    expect(notifier.stats.delivered).toBe(0);
  });
});
