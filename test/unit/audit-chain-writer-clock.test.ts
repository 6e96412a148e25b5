import { beforeEach, describe, expect, it, vi } from "vitest";
import { AuditUnavailable, type ChainStore, ChainWriter } from "../../gateway/audit/chain-writer.js";
import { type ChainEntry, GENESIS } from "../../lib/audit/chain.js";
import type { CheckpointPayload } from "../../lib/audit/checkpoint.js";
import { keySigner, newGatewayKey, operation } from "../support/audit-trail.js";
import { logged } from "../support/recording-logger.js";

vi.mock("../../lib/logger.js", async (importOriginal) => (await import("../support/recording-logger.js")).recordingLogger(importOriginal));

// What the chain writer puts in its events and checkpoints besides the chain itself (its clock, its chain, its key),
// and what it tells the operator when the trail cannot be written or signed.

const key = newGatewayKey();
const NOW = Date.UTC(2026, 11, 4, 1, 2, 3, 456);

function memoryStore(failing = false, failingCheckpoints = false) {
  const entries: ChainEntry[] = [];
  const checkpoints: CheckpointPayload[] = [];
  const store: ChainStore = {
    chain: "gateway-clock",
    async appendEntries(batch) {
      if (failing && entries.length > 0) throw new Error("disk full");
      entries.push(...batch);
    },
    async appendCheckpoint(_jws, payload) {
      if (failingCheckpoints) throw new Error("disk full");
      checkpoints.push(payload);
    },
    async close() {},
  };
  return { store, entries, checkpoints };
}

/** A writer on `store` that checkpoints every `checkpointEvery` events, with `now` as its clock if given. */
const start = (store: ChainStore, checkpointEvery: number, now?: () => number) =>
  ChainWriter.start(
    store,
    keySigner(() => key),
    key.kid,
    { checkpointEvery, checkpointMs: 60_000, ...(now && { now }) },
  );

describe("the chain writer's clock and fields", () => {
  it("dates the chain-start event and every checkpoint with its clock, and starts from the genesis", async () => {
    const { store, entries, checkpoints } = memoryStore();
    const writer = await start(store, 2, () => NOW);
    await writer.append(operation(1));
    await writer.close();
    expect(entries[0]).toMatchObject({
      seq: 1,
      prev: GENESIS,
      event: { kind: "chain-start", at: new Date(NOW).toISOString(), chain: "gateway-clock", kid: key.kid },
    });
    expect(checkpoints).toEqual([
      { chain: "gateway-clock", count: 2, head: entries[1]!.hash, at: new Date(NOW).toISOString(), final: false },
      { chain: "gateway-clock", count: 2, head: entries[1]!.hash, at: new Date(NOW).toISOString(), final: true },
    ]);
  });

  it("says why it refuses an append: the trail closed, or not writable", async () => {
    const { store } = memoryStore(true);
    const writer = await start(store, 100);
    await expect(writer.append(operation(1))).rejects.toThrow(new AuditUnavailable("the audit trail cannot be written"));
    expect(writer.count).toBe(1);
    await writer.close();
    await expect(writer.append(operation(2))).rejects.toThrow(new AuditUnavailable("the audit trail is closed"));
  });
});

describe("what the chain writer logs", () => {
  beforeEach(() => {
    logged.length = 0;
  });
  const lines = () => logged.filter((line) => line.component === "audit").map(({ level, fields, message }) => ({ level, fields, message }));

  it("an append the store refused, with how many events were withheld", async () => {
    const { store } = memoryStore(true);
    const writer = await start(store, 100);
    const failed = [1, 2].map((n) => writer.append(operation(n)));
    await Promise.allSettled(failed);
    expect(lines()).toEqual([
      { level: "error", fields: { err: new Error("disk full"), events: 2 }, message: "audit store not writable: answers withheld" },
    ]);
    await writer.close();
  });

  it("a checkpoint that could not be written, while running and at close", async () => {
    const { store } = memoryStore(false, true);
    const writer = await start(store, 1);
    await writer.close();
    expect(lines()).toEqual([
      { level: "error", fields: { err: new Error("disk full") }, message: "audit checkpoint failed; retried later" },
      { level: "error", fields: { err: new Error("disk full") }, message: "final audit checkpoint failed" },
    ]);
  });
});
