import { type ChainEntry, chainEntry, GENESIS } from "../../lib/audit/chain.js";
import type { CheckpointPayload } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { logger } from "../../lib/logger.js";

const log = logger("audit");

/**
 * Where a chain is kept: a file, or a PostgreSQL table. Each append is
 * durable when it resolves (written and synced), and a failed append leaves
 * the store as it was before it, so that the chain can go on once the store
 * can be written again.
 */
export interface ChainStore {
  /** The chain's id: one per gateway process (or replica). */
  readonly chain: string;
  appendEntries(entries: readonly ChainEntry[]): Promise<void>;
  appendCheckpoint(jws: string, payload: CheckpointPayload): Promise<void>;
  close(): Promise<void>;
}

/** Signs checkpoints with the gateway's key (the one it signs envelopes with, under another media type). */
export interface CheckpointSigner {
  sign(payload: CheckpointPayload): Promise<{ jws: string; kid: string }>;
}

export interface ChainWriterOptions {
  /** A checkpoint once this many events have been appended since the last one. */
  checkpointEvery: number;
  /** A checkpoint at least this often while events arrive (ms). */
  checkpointMs: number;
  now?: () => number;
}

/** The audit store cannot be written: the answer that waited on it must not be released. */
export class AuditUnavailable extends Error {}

interface Waiting {
  event: AuditEvent;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Appends events to one hash chain with group commit: events that arrive
 * while a write is in flight wait for the next one, so one write and one sync
 * carry as many events as arrived meanwhile, and no event waits longer than
 * about two writes. `append` resolves only once its event is durable; it
 * rejects with AuditUnavailable when the store cannot be written, and the
 * chain goes on from the last event that was.
 */
export class ChainWriter {
  private seq = 0;
  private head = GENESIS;
  private queue: Waiting[] = [];
  private running: Promise<void> | undefined;
  private checkpointed = 0;
  private checkpointDue = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  private constructor(
    private readonly store: ChainStore,
    private readonly signer: CheckpointSigner,
    private readonly options: ChainWriterOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.requestCheckpoint(), options.checkpointMs);
    this.timer.unref();
  }

  /** Starts a chain in `store` with its chain-start event, durable before this resolves. */
  static async start(store: ChainStore, signer: CheckpointSigner, kid: string, options: ChainWriterOptions): Promise<ChainWriter> {
    const writer = new ChainWriter(store, signer, options);
    await writer.append({ kind: "chain-start", at: new Date(writer.now()).toISOString(), chain: store.chain, kid });
    return writer;
  }

  get chain(): string {
    return this.store.chain;
  }

  /** Events durably appended so far, the chain-start event included. */
  get count(): number {
    return this.seq;
  }

  append(event: AuditEvent): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailable("the audit trail is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Writes what is queued, then a final checkpoint; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    await this.checkpoint(true).catch((error: unknown) => log.error({ err: error }, "final audit checkpoint failed"));
    await this.store.close();
  }

  private requestCheckpoint(): void {
    if (this.seq === this.checkpointed || this.closed) return;
    this.checkpointDue = true;
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      // Let the events of this turn of the event loop join the first write.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0 || this.checkpointDue) {
        if (this.queue.length > 0) await this.writeBatch(this.queue.splice(0));
        if (this.checkpointDue || this.seq - this.checkpointed >= this.options.checkpointEvery) {
          this.checkpointDue = false;
          await this.checkpoint(false).catch((error: unknown) => log.error({ err: error }, "audit checkpoint failed; retried later"));
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    const entries: ChainEntry[] = [];
    let head = this.head;
    for (const [index, waiting] of batch.entries()) {
      const entry = chainEntry(this.seq + index + 1, head, waiting.event);
      entries.push(entry);
      head = entry.hash;
    }
    try {
      await this.store.appendEntries(entries);
    } catch (error) {
      log.error({ err: error, events: batch.length }, "audit store not writable: answers withheld");
      const refusal = new AuditUnavailable("the audit trail cannot be written");
      for (const waiting of batch) waiting.reject(refusal);
      return;
    }
    this.seq += entries.length;
    this.head = head;
    for (const waiting of batch) waiting.resolve();
  }

  private async checkpoint(final: boolean): Promise<void> {
    if (!final && this.seq === this.checkpointed) return;
    const payload: CheckpointPayload = {
      chain: this.store.chain,
      count: this.seq,
      head: this.head,
      at: new Date(this.now()).toISOString(),
      final,
    };
    const { jws } = await this.signer.sign(payload);
    await this.store.appendCheckpoint(jws, payload);
    this.checkpointed = payload.count;
  }
}
