import { request } from "undici";
import type { FlagEvent } from "../../../lib/audit/event.js";
import { logger } from "../../../lib/logger.js";
import { withTimeout } from "../../../lib/timeout.js";
import type { WebhookOptions } from "./config.js";

const log = logger("anomaly-webhook");

/** Sends one JSON body to one URL and resolves with the HTTP status; rejects when no answer came (network, timeout, abort). */
export type PostJson = (url: string, body: string, signal: AbortSignal) => Promise<number>;

/** The default sender: undici, no redirects followed (a receiver that moved must be reconfigured, not chased). */
export const postJson: PostJson = async (url, body, signal) => {
  const response = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal });
  await response.body.dump();
  return response.statusCode;
};

interface Delivery {
  nation: string;
  url: string;
  body: string;
  /** For the log: what the notification is about, never the URL (it may hold a secret). */
  flag: string;
  requestId: string;
  tries: number;
}

/** The longest wait between two tries, whatever the back-off has grown to. */
const MAX_BACKOFF_MS = 600_000;

/** Whether a receiver's answer is worth another try: it may be passing (5xx, 408, 429); other 4xx will not change. */
const retriable = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Notifies each owning nation of a flag by POSTing it as JSON to the nation's
 * webhook. Fire and forget: `notify` never waits and never throws; each
 * delivery is retried with exponential back-off up to `attempts` tries, and
 * what is waiting or in flight is bounded by `queue` (past it, new
 * notifications are dropped and logged: the flag is still in the audit trail).
 */
export class WebhookNotifier {
  private readonly ready: Delivery[] = [];
  /** Deliveries waiting to be sent, waiting out a back-off, or in flight. */
  private pending = 0;
  private active = 0;
  private closed = false;
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private idleWaiters: Array<() => void> = [];
  /** Counts since start, for tests and the log. */
  readonly stats = { delivered: 0, givenUp: 0, dropped: 0 };

  constructor(
    private readonly urls: Readonly<Record<string, string>>,
    private readonly options: WebhookOptions,
    private readonly post: PostJson = postJson,
  ) {}

  notify(flag: FlagEvent): void {
    if (this.closed) return;
    const body = JSON.stringify(flag);
    for (const nation of flag.owners) {
      const url = this.urls[nation];
      if (url === undefined) continue;
      if (this.pending >= this.options.queue) {
        this.stats.dropped++;
        log.warn({ nation, flag: flag.flag, requestId: flag.requestId }, "webhook queue full: notification dropped");
        continue;
      }
      this.pending++;
      this.ready.push({ nation, url, body, flag: flag.flag, requestId: flag.requestId, tries: 0 });
    }
    this.pump();
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: in-flight tries are aborted, back-offs cancelled, and what was not delivered is logged as given up. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    for (const timer of this.retries) clearTimeout(timer);
    const undelivered = this.ready.length + this.retries.size;
    this.retries.clear();
    this.ready.length = 0;
    this.settle(undelivered);
    if (undelivered > 0) log.warn({ undelivered }, "webhook notifications not delivered before shutdown");
    await this.idle();
  }

  private pump(): void {
    while (!this.closed && this.active < this.options.concurrency && this.ready.length > 0) {
      const delivery = this.ready.shift()!;
      this.active++;
      void this.send(delivery).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  /** One try; never rejects. */
  private async send(delivery: Delivery): Promise<void> {
    delivery.tries++;
    let status: number | undefined;
    try {
      status = await withTimeout(this.options.timeoutMs, (signal) => this.post(delivery.url, delivery.body, signal), this.closing.signal);
    } catch {
      // No answer (refused, reset, timed out): worth another try.
    }
    if (this.closed) return this.settle(1);
    if (status !== undefined && status >= 200 && status < 300) {
      this.stats.delivered++;
      return this.settle(1);
    }
    const context = { nation: delivery.nation, flag: delivery.flag, requestId: delivery.requestId, tries: delivery.tries, status };
    if ((status !== undefined && !retriable(status)) || delivery.tries >= this.options.attempts) {
      this.stats.givenUp++;
      log.error(context, "webhook notification given up");
      return this.settle(1);
    }
    log.warn(context, "webhook notification failed; retried later");
    const timer = setTimeout(
      () => {
        this.retries.delete(timer);
        this.ready.push(delivery);
        this.pump();
      },
      Math.min(MAX_BACKOFF_MS, this.options.backoffMs * 2 ** (delivery.tries - 1)),
    );
    timer.unref();
    this.retries.add(timer);
  }

  private settle(count: number): void {
    this.pending -= count;
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
