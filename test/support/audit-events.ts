// Audit events for the readers' tests (the oversight view, the reports): made by hand, written as chain files, or served from memory.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Reason } from "@tearline/policy";
import { chainEntry, entryLine, GENESIS } from "../../lib/audit/chain.js";
import type { AuditEntrySource, PositionedEntry } from "../../lib/audit/entry-source.js";
import type { AuditEvent, FieldAccess, FieldDecision, FlagEvent, OperationEvent } from "../../lib/audit/event.js";

/** A field decided in an operation: `decision` defaults to ALLOWED, a denied field to reason AGREEMENT. */
export function field(coordinate: string, owners: string[], decision: FieldDecision = "ALLOWED", reasons?: Reason[]): FieldAccess {
  return { coordinate, owners, decision, reasons: reasons ?? (decision === "ALLOWED" ? [] : ["AGREEMENT"]) };
}

/** An answered operation of a GBR analyst at noon on 1 December 2026 asking for GBR's name of an actor; overrides replace parts. */
export function operation(overrides: Partial<OperationEvent> = {}): OperationEvent {
  return {
    kind: "operation",
    at: "2026-12-01T12:00:00.000Z",
    requestId: "request-1",
    status: 200,
    caller: { nation: "GBR", sub: "analyst@gbr", issuer: "https://idp.gbr.test", tokenId: "token-1" },
    purpose: "CT",
    operationName: "Actor",
    operationHash: "hash-of-the-operation",
    fields: [field("Query.threatActor", ["GBR"]), field("ThreatActor.name", ["GBR"])],
    subgraphs: ["GBR"],
    agreements: { DEU: 1, EST: 1, FRA: 1, GBR: 1 },
    result: "ANSWERED",
    code: null,
    ...overrides,
  };
}

/** An operation of `nation`'s analyst (its own identity), other parts from `operation`. */
export const operationBy = (nation: string, overrides: Partial<OperationEvent> = {}): OperationEvent =>
  operation({
    caller: {
      nation,
      sub: `analyst@${nation.toLowerCase()}`,
      issuer: `https://idp.${nation.toLowerCase()}.test`,
      tokenId: `token-${nation}`,
    },
    ...overrides,
  });

/** A REQUEST_RATE flag raised against a DEU analyst, notifying GBR and FRA. */
export function flag(overrides: Partial<FlagEvent> = {}): FlagEvent {
  return {
    kind: "flag",
    at: "2026-12-01T12:00:01.000Z",
    flag: "REQUEST_RATE",
    subject: { nation: "DEU", sub: "analyst@deu", issuer: "https://idp.deu.test" },
    owners: ["FRA", "GBR"],
    count: 120,
    threshold: 100,
    windowSeconds: 60,
    throttledUntil: null,
    requestId: "request-9",
    ...overrides,
  };
}

const chainStart = (chain: string): AuditEvent => ({ kind: "chain-start", at: "2026-12-01T00:00:00.000Z", chain, kid: "test-kid" });

/** The entries of one chain: its start, then `events`, hashed as the gateway writes them. */
export function chainEntries(chain: string, events: readonly AuditEvent[]): PositionedEntry[] {
  let prev = GENESIS;
  return [chainStart(chain), ...events].map((event, index) => {
    const entry = chainEntry(index + 1, prev, event);
    prev = entry.hash;
    return { ...entry, chain };
  });
}

/** Writes a chain file as the file store does (`<chain>.jsonl`, one entry a line). */
export function writeChainFile(dir: string, chain: string, events: readonly AuditEvent[]): void {
  const lines = chainEntries(chain, events).map(({ chain: _chain, ...entry }) => entryLine(entry));
  writeFileSync(join(dir, `${chain}.jsonl`), lines.join(""));
}

/** A source over entries held in memory (in the order given, which must be (chain, seq) order), and how many it has handed out. */
export function memorySource(entries: readonly PositionedEntry[]): AuditEntrySource & { read(): number } {
  let read = 0;
  const source: AuditEntrySource = async function* (after) {
    for (const entry of entries) {
      if (after && (entry.chain < after.chain || (entry.chain === after.chain && entry.seq <= after.seq))) continue;
      read += 1;
      yield entry;
    }
  };
  return Object.assign(source, { read: () => read });
}
