import { describe, expect, it } from "vitest";
import { GENESIS } from "../../lib/audit/chain.js";
import type { VerifiedCheckpoint } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { unsignedLimits, verifyChain } from "../../lib/audit/verify-chain.js";
import { verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { parseVerifyArgs } from "../../scripts/audit/verify-args.js";
import { CHAIN, gateway, keyFor, link, text } from "../support/audit-chain-fixture.js";
import { operation } from "../support/audit-trail.js";

// Rewriting a chain needs no key (SHA-256 is public); its checkpoints are what a rewrite cannot forge. So removing
// them must not leave a chain that verifies: an unsigned tail longer than a gateway leaves is broken.

const start: AuditEvent = { kind: "chain-start", at: "2026-01-01T00:00:00.000Z", chain: CHAIN, kid: gateway.kid };
/** `count` operations after the start, one every `everyMs`. */
const chainOf = (count: number, everyMs: number) =>
  link([
    start,
    ...Array.from({ length: count }, (_, index) => ({
      ...operation(1),
      at: new Date(Date.UTC(2026, 0, 1) + (index + 1) * everyMs).toISOString(),
    })),
  ]);
const vouched = (entries: ReturnType<typeof link>, count: number): VerifiedCheckpoint => ({
  chain: CHAIN,
  count,
  head: count === 0 ? GENESIS : entries[count - 1]!.hash,
  at: "2026-01-01T01:00:00.000Z",
  final: false,
  kid: gateway.kid,
});
const defaults = unsignedLimits(1000, 10);

describe("the unsigned tail of a chain", () => {
  it("derives its limits from the gateway's checkpoint settings: a batch and a request's life beyond them", () => {
    expect(defaults).toEqual({ maxUnsigned: 2000, maxUnsignedSpanMs: 70_000 });
    expect(unsignedLimits(100, 1.5)).toEqual({ maxUnsigned: 1100, maxUnsignedSpanMs: 61_500 });
  });

  it("is accepted up to the limits, as a crashed gateway leaves it", () => {
    const entries = chainOf(1999, 10); // 2000 events within 20 s
    expect(verifyChain(text(entries), [], defaults)).toMatchObject({ ok: true, count: 2000, unsigned: 2000 });
    const slow = chainOf(7, 10_000); // 70 s from the first unsigned event to the last
    expect(verifyChain(text(slow), [], defaults)).toMatchObject({ ok: true, unsigned: 8 });
  });

  it("is broken with one event more than a gateway leaves: its checkpoints were removed", () => {
    const entries = chainOf(2000, 10);
    expect(verifyChain(text(entries), [], defaults)).toEqual({
      ok: false,
      position: "event 1",
      problem: "2001 events follow the last checkpoint, more than a gateway leaves unsigned (2000): checkpoints were removed",
    });
    // Counted from the last checkpoint that remains.
    expect(verifyChain(text(entries), [vouched(entries, 1)], defaults)).toMatchObject({ ok: true, unsigned: 2000 });
    expect(verifyChain(text(entries), [vouched(entries, 0)], defaults)).toMatchObject({ ok: false, position: "event 1" });
  });

  it("is broken when it spans longer than a gateway leaves unsigned, however few its events", () => {
    const entries = chainOf(2, 35_001); // the last event 70.002 s after the first
    expect(verifyChain(text(entries), [], defaults)).toEqual({
      ok: false,
      position: "event 1",
      problem: "the events after the last checkpoint span 70 s, longer than a gateway leaves unsigned (70 s): checkpoints were removed",
    });
    expect(verifyChain(text(entries), [vouched(entries, 1)], defaults)).toMatchObject({ ok: true, unsigned: 2 });
  });

  it("measures the span from the earliest time to the latest, in whatever order the events were recorded", () => {
    const late = { ...operation(1), at: "2026-01-01T00:02:00.000Z" };
    const early = { ...operation(2), at: "2026-01-01T00:00:30.000Z" };
    const entries = link([start, late, early]);
    expect(verifyChain(text(entries), [vouched(entries, 1)], defaults)).toMatchObject({ ok: false, position: "event 2" });
  });

  it("is broken when an unsigned event's time cannot be read (it could hide any span)", () => {
    const entries = link([start, { ...operation(1), at: "yesterday" }]);
    expect(verifyChain(text(entries), [], defaults)).toEqual({
      ok: false,
      position: "event 2",
      problem: "an unsigned event without a readable time",
    });
    expect(verifyChain(text(entries), [vouched(entries, 2)], defaults)).toMatchObject({ ok: true, unsigned: 0 });
  });

  it("is checked by verifyStoredChain when limits are given: an emptied checkpoints file does not pass", async () => {
    const entries = chainOf(2000, 10);
    const stored = { chain: CHAIN, events: text(entries), checkpoints: "" };
    expect(await verifyStoredChain(stored, keyFor)).toMatchObject({ ok: true });
    expect(await verifyStoredChain(stored, keyFor, defaults)).toMatchObject({ ok: false, position: "event 1" });
  });

  it("takes the limits from the gateway's environment in npm run audit:verify", () => {
    expect(parseVerifyArgs(["--dir", "/tmp/x"], {})).toMatchObject({ limits: defaults });
    expect(parseVerifyArgs(["--dir", "/tmp/x"], { AUDIT_CHECKPOINT_EVERY: "100", AUDIT_CHECKPOINT_SECONDS: "1" })).toMatchObject({
      limits: { maxUnsigned: 1100, maxUnsignedSpanMs: 61_000 },
    });
    expect(() => parseVerifyArgs(["--dir", "/tmp/x"], { AUDIT_CHECKPOINT_EVERY: "1.5" })).toThrow(
      "AUDIT_CHECKPOINT_EVERY must be an integer of at least 1",
    );
    expect(() => parseVerifyArgs(["--dir", "/tmp/x"], { AUDIT_CHECKPOINT_SECONDS: "0" })).toThrow(
      "AUDIT_CHECKPOINT_SECONDS must be a number of at least 0.1",
    );
  });
});
