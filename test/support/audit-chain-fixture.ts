// One chain of six events and its signed checkpoints, made on the spot, for the tests that tamper with it.
import { type ChainEntry, chainEntry, entryLine, GENESIS } from "../../lib/audit/chain.js";
import { type CheckpointPayload, signCheckpoint } from "../../lib/audit/checkpoint.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import type { EnvelopeSigningKey } from "../../lib/envelope-key.js";
import { newGatewayKey, operation, publicKeyOf } from "./audit-trail.js";

export const CHAIN = "gateway-20260101T000000Z-1-abcdef";
export const gateway = newGatewayKey();
export const stranger = newGatewayKey();
export const keyFor = (kid: string) => (kid === gateway.kid ? publicKeyOf(gateway) : undefined);

const start: AuditEvent = { kind: "chain-start", at: "2026-01-01T00:00:00.000Z", chain: CHAIN, kid: gateway.kid };

/** Entries for `events`, hashed one after the other from the genesis. */
export function link(events: readonly AuditEvent[], from = 1, prev = GENESIS): ChainEntry[] {
  const entries: ChainEntry[] = [];
  for (const [index, event] of events.entries()) {
    entries.push(chainEntry(from + index, entries.at(-1)?.hash ?? prev, event));
  }
  return entries;
}

/** Six events: the chain's start and five operations. */
export const original = link([start, ...[1, 2, 3, 4, 5].map(operation)]);
export const text = (entries: readonly ChainEntry[]) => entries.map(entryLine).join("");

interface Signing {
  key?: EnvelopeSigningKey;
  kid?: string;
  chain?: string;
  head?: string;
  final?: boolean;
}

/** A checkpoint over the first `count` events of the original chain, signed as the options say. */
export function checkpoint(
  count: number,
  { key = gateway, kid = key.kid, chain = CHAIN, head, final = false }: Signing = {},
): Promise<string> {
  const payload: CheckpointPayload = { chain, count, head: head ?? original[count - 1]!.hash, at: "2026-01-01T01:00:00.000Z", final };
  return signCheckpoint(payload, key.privateKey, kid);
}

export const lines = (jws: readonly string[]) => jws.map((line) => `${line}\n`).join("");
export const closed = async () => [await checkpoint(3), await checkpoint(6, { final: true })];
