import { describe, expect, it } from "vitest";
import { type ChainEntry, entryLine, GENESIS } from "../../lib/audit/chain.js";
import type { VerifiedCheckpoint } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { type ChainVerdict, verifyChain } from "../../lib/audit/verify-chain.js";
import { verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { CHAIN, checkpoint, gateway, keyFor, link, original, text } from "../support/audit-chain-fixture.js";
import { operation } from "../support/audit-trail.js";

// verifyChain's every check on its own, with checkpoints taken as verified (audit-chain.test.ts signs them).

/** A verified checkpoint over the first `count` events of the original chain. */
const vouched = (count: number, changes: Partial<VerifiedCheckpoint> = {}): VerifiedCheckpoint => ({
  chain: CHAIN,
  count,
  head: count === 0 ? GENESIS : original[count - 1]!.hash,
  at: "2026-01-01T01:00:00.000Z",
  final: false,
  kid: gateway.kid,
  ...changes,
});

/** The original chain with its second line replaced by `line`. */
const secondLine = (line: string) => `${entryLine(original[0]!)}${line}\n`;
const second = original[1]!;

describe("verifyChain: a line that is not a chain entry", () => {
  const lines: Array<[string, string]> = [
    ["not JSON", "{"],
    ["an empty line", ""],
    ["JSON null", "null"],
    ["a number", "2"],
    ["a string", JSON.stringify("an entry")],
    ["a seq that is a string", JSON.stringify({ ...second, seq: "2" })],
    ["a fractional seq", JSON.stringify({ ...second, seq: 1.5 })],
    ["no seq", JSON.stringify({ ...second, seq: undefined })],
    ["a prev that is not a string", JSON.stringify({ ...second, prev: 1 })],
    ["no prev", JSON.stringify({ ...second, prev: undefined })],
    ["a hash that is not a string", JSON.stringify({ ...second, hash: 1 })],
    ["no hash", JSON.stringify({ ...second, hash: undefined })],
    ["an event that is a string", JSON.stringify({ ...second, event: "operation" })],
    ["an event that is null", JSON.stringify({ ...second, event: null })],
    ["no event", JSON.stringify({ ...second, event: undefined })],
  ];
  it.each(lines)("%s", (_name, line) => {
    expect(verifyChain(secondLine(line), [])).toEqual({ ok: false, position: "event 2", problem: "not a chain entry" });
  });
});

describe("verifyChain: events and checkpoints", () => {
  const start: AuditEvent = original[0]!.event;
  const intact = (changes: Partial<ChainVerdict> = {}) => ({
    ok: true,
    chain: CHAIN,
    count: 6,
    head: original[5]!.hash,
    checkpoints: 0,
    closed: false,
    unsigned: 6,
    ...changes,
  });
  const rows: Array<[string, () => string, VerifiedCheckpoint[], object]> = [
    ["no checkpoint yet: open, every event unsigned", () => text(original), [], intact()],
    ["a checkpoint of no events (the genesis)", () => text(original), [vouched(0)], intact({ checkpoints: 1 })],
    ["a checkpoint of every event", () => text(original), [vouched(6)], intact({ checkpoints: 1, unsigned: 0 })],
    [
      "a final checkpoint with the same count as the one before it (nothing new at close)",
      () => text(original),
      [vouched(6), vouched(6, { final: true })],
      intact({ checkpoints: 2, unsigned: 0, closed: true }),
    ],
    [
      "a checkpoint that counts fewer events than the one before it",
      () => text(original),
      [vouched(4), vouched(3)],
      { ok: false, position: "checkpoint 2", problem: "it counts fewer events than the checkpoint before it" },
    ],
    [
      "a checkpoint one past the chain's end",
      () => text(original),
      [vouched(6), { ...vouched(6), count: 7 }],
      { ok: false, position: "checkpoint 2", problem: "it vouches for 7 events, the chain has 6: events after 6 were removed" },
    ],
    [
      "a final checkpoint before the chain's last event",
      () => text(original),
      [vouched(5, { final: true })],
      { ok: false, position: "event 6", problem: "an event after the chain's final checkpoint" },
    ],
    [
      "a second chain-start event, chained properly",
      () => text(link([start, operation(1), start, operation(3)])),
      [],
      { ok: false, position: "event 3", problem: "a second chain-start event" },
    ],
    [
      "a chain-start event alone",
      () => text(link([start])),
      [],
      { ok: true, chain: CHAIN, count: 1, head: link([start])[0]!.hash, checkpoints: 0, closed: false, unsigned: 1 },
    ],
    [
      "a first event that says it is the second",
      () => text([{ ...original[0]!, seq: 2 } as ChainEntry]),
      [],
      { ok: false, position: "event 1", problem: "it says it is event 2: an event was removed, inserted or moved" },
    ],
    [
      "a first event that does not follow the genesis",
      () => text(link([start], 1, "1".repeat(64))),
      [],
      { ok: false, position: "event 1", problem: "its previous hash is not the hash of the event before it" },
    ],
    [
      "a line cut after the first event",
      () => `${text(original.slice(0, 1))}{"seq":2`,
      [],
      { ok: false, position: "line 2", problem: "a partial line: the last write did not complete" },
    ],
  ];
  it.each(rows)("%s", (_name, events, checkpoints, verdict) => {
    expect(verifyChain(events(), checkpoints)).toEqual(verdict);
  });
});

describe("verifyStoredChain", () => {
  it("takes an empty checkpoints file as no checkpoint yet", async () => {
    expect(await verifyStoredChain({ chain: CHAIN, events: text(original), checkpoints: "" }, keyFor)).toMatchObject({
      ok: true,
      checkpoints: 0,
      closed: false,
      unsigned: 6,
    });
  });

  it("names a bad checkpoint line after good ones by its position", async () => {
    const checkpoints = `${await checkpoint(3)}\nnot-a-jws\n`;
    expect(await verifyStoredChain({ chain: CHAIN, events: text(original), checkpoints }, keyFor)).toEqual({
      ok: false,
      position: "checkpoint 2",
      problem: "not a compact JWS",
    });
  });

  it("lets a failure to read the keys through, rather than call the chain broken", async () => {
    const failing = () => {
      throw new Error("key store unreadable");
    };
    await expect(
      verifyStoredChain({ chain: CHAIN, events: text(original), checkpoints: `${await checkpoint(3)}\n` }, failing),
    ).rejects.toThrow("key store unreadable");
  });
});
