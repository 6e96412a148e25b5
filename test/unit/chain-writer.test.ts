import { describe, expect, it, vi } from "vitest";
import { AuditUnavailable, type ChainStore, ChainWriter, type CheckpointSigner } from "../../gateway/audit/chain-writer.js";
import { type ChainEntry, entryLine } from "../../lib/audit/chain.js";
import type { CheckpointPayload } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { keySigner, newGatewayKey, operation, publicKeyOf } from "../support/audit-trail.js";

// The gateway's chain writer over a store in memory: group commit, failures, checkpoints, close.

const key = newGatewayKey();
const signer = keySigner(() => key);

/** A store in memory that can hold its writes back (`hold`) and fail the next ones (`failNext`). */
class MemoryStore implements ChainStore {
  readonly chain = "gateway-test";
  readonly entries: ChainEntry[] = [];
  readonly checkpoints: Array<{ jws: string; payload: CheckpointPayload }> = [];
  /** Every call to appendEntries, with how many entries it carried. */
  readonly writes: number[] = [];
  failNext = 0;
  closed = false;
  private held: Promise<void> | undefined;
  private releaseHeld: (() => void) | undefined;

  hold(): void {
    this.held = new Promise((resolve) => {
      this.releaseHeld = resolve;
    });
  }

  release(): void {
    this.releaseHeld?.();
    this.held = undefined;
  }

  async appendEntries(entries: readonly ChainEntry[]): Promise<void> {
    this.writes.push(entries.length);
    await this.held;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error("no space left on device");
    }
    this.entries.push(...entries);
  }

  async appendCheckpoint(jws: string, payload: CheckpointPayload): Promise<void> {
    this.checkpoints.push({ jws, payload });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** What `npm run audit:verify` says of what this store holds. */
  verdict() {
    return verifyStoredChain(
      {
        chain: this.chain,
        events: this.entries.map(entryLine).join(""),
        checkpoints: this.checkpoints.map(({ jws }) => `${jws}\n`).join(""),
      },
      (kid) => (kid === key.kid ? publicKeyOf(key) : undefined),
    );
  }
}

const start = (store: ChainStore, options: { checkpointEvery?: number; checkpointMs?: number } = {}, using: CheckpointSigner = signer) =>
  ChainWriter.start(store, using, key.kid, {
    checkpointEvery: options.checkpointEvery ?? 1000,
    checkpointMs: options.checkpointMs ?? 60_000,
  });

const turns = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

const stored = (store: MemoryStore) => store.entries.map((entry) => entry.event);

describe("the chain writer", () => {
  it("starts every chain with its chain-start event, durable before start resolves", async () => {
    const store = new MemoryStore();
    const writer = await start(store);
    expect(stored(store)).toEqual([expect.objectContaining({ kind: "chain-start", chain: "gateway-test", kid: key.kid })]);
    expect([writer.chain, writer.count]).toEqual(["gateway-test", 1]);
    await writer.close();
  });

  it("commits in groups: events arriving while a write is in flight share the next write, and each append resolves once its own is done", async () => {
    const store = new MemoryStore();
    const writer = await start(store);
    store.hold();
    const resolvedWhenStored: boolean[] = [];
    const append = (event: AuditEvent) => writer.append(event).then(() => resolvedWhenStored.push(stored(store).includes(event)));
    const first = Array.from({ length: 50 }, (_, n) => append(operation(n)));
    await turns();
    // The first 50 are in one write, held: none of them may resolve yet.
    expect(store.writes).toEqual([1, 50]);
    const second = Array.from({ length: 50 }, (_, n) => append(operation(50 + n)));
    await turns();
    expect([store.writes.length, resolvedWhenStored.length]).toEqual([2, 0]);
    store.release();
    await Promise.all([...first, ...second]);
    expect(store.writes).toEqual([1, 50, 50]);
    expect(resolvedWhenStored).toEqual(Array(100).fill(true));
    expect(writer.count).toBe(101);
    await writer.close();
    expect(await store.verdict()).toMatchObject({ ok: true, count: 101, closed: true });
  });

  it("rejects every append of a batch the store cannot write with AuditUnavailable, and the chain goes on whole once it can", async () => {
    const store = new MemoryStore();
    const writer = await start(store);
    await writer.append(operation(1));
    store.hold();
    store.failNext = 1;
    const failed = [2, 3, 4].map((n) => writer.append(operation(n)));
    await turns();
    // Queued behind the failing write: written by the next one, after it.
    const queued = [5, 6].map((n) => writer.append(operation(n)));
    store.release();
    const outcomes = await Promise.allSettled(failed);
    expect(outcomes.map((outcome) => outcome.status === "rejected" && outcome.reason instanceof AuditUnavailable)).toEqual([
      true,
      true,
      true,
    ]);
    await Promise.all(queued);
    expect(stored(store).map((event) => (event.kind === "operation" ? event.requestId : event.kind))).toEqual([
      "chain-start",
      "request-1",
      "request-5",
      "request-6",
    ]);
    expect(writer.count).toBe(4);
    await writer.close();
    expect(await store.verdict()).toMatchObject({ ok: true, count: 4, closed: true });
  });

  it("signs a checkpoint every N events", async () => {
    const store = new MemoryStore();
    const writer = await start(store, { checkpointEvery: 3 });
    for (let n = 1; n <= 7; n++) await writer.append(operation(n));
    await writer.close();
    expect(store.checkpoints.map(({ payload }) => [payload.count, payload.final])).toEqual([
      [3, false],
      [6, false],
      [8, true],
    ]);
    expect(await store.verdict()).toMatchObject({ ok: true, count: 8, checkpoints: 3, closed: true, unsigned: 0 });
  });

  it("signs a checkpoint every T while events arrive, and none while nothing new was written", async () => {
    const store = new MemoryStore();
    const writer = await start(store, { checkpointMs: 25 });
    await vi.waitFor(() => expect(store.checkpoints.map(({ payload }) => payload.count)).toEqual([1]));
    await writer.append(operation(1));
    await vi.waitFor(() => expect(store.checkpoints.map(({ payload }) => payload.count)).toEqual([1, 2]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.checkpoints).toHaveLength(2);
    await writer.close();
    expect(await store.verdict()).toMatchObject({ ok: true, count: 2, checkpoints: 3, closed: true });
  });

  it("goes on when a checkpoint cannot be signed, and signs one later", async () => {
    const store = new MemoryStore();
    let failures = 1;
    const flaky: CheckpointSigner = {
      sign: (payload) => (failures-- > 0 ? Promise.reject(new Error("key file unreadable")) : signer.sign(payload)),
    };
    const writer = await start(store, { checkpointEvery: 2 }, flaky);
    await writer.append(operation(1));
    await writer.append(operation(2));
    await writer.append(operation(3));
    await writer.close();
    expect(store.checkpoints.map(({ payload }) => payload.count)).toEqual([3, 4]);
    expect(await store.verdict()).toMatchObject({ ok: true, count: 4, closed: true });
  });

  it("on close, writes what is queued, then a final checkpoint, closes the store and refuses later appends", async () => {
    const store = new MemoryStore();
    const writer = await start(store, { checkpointEvery: 2 });
    const queued = [1, 2, 3].map((n) => writer.append(operation(n)));
    await writer.close();
    await Promise.all(queued);
    expect(store.checkpoints.at(-1)?.payload).toMatchObject({ count: 4, final: true, head: store.entries.at(-1)!.hash });
    expect(store.closed).toBe(true);
    await expect(writer.append(operation(4))).rejects.toBeInstanceOf(AuditUnavailable);
    expect(store.entries).toHaveLength(4);
    expect(await store.verdict()).toMatchObject({ ok: true, count: 4, closed: true, unsigned: 0 });
  });
});
