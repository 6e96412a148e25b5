import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical-json.js";
import type { AuditEvent } from "./event.js";

/** The hash before a chain's first event. */
export const GENESIS = "0".repeat(64);

/** One line of a chain file: its position, the hash before it, the event, and the hash after it. */
export interface ChainEntry {
  /** 1 for a chain's first event. */
  seq: number;
  prev: string;
  hash: string;
  event: AuditEvent;
}

/**
 * The hash that follows `prev` once `event` is appended: SHA-256 (hex) over
 * the previous hash and the event's canonical JSON (RFC 8785 key order), so
 * that editing, removing, inserting or reordering any event changes every
 * hash after it.
 */
export function chainHash(prev: string, event: AuditEvent): string {
  return createHash("sha256").update(prev).update(canonicalJson(event)).digest("hex");
}

/** The entry that appends `event` after the entry whose hash is `prev`, at position `seq`. */
export function chainEntry(seq: number, prev: string, event: AuditEvent): ChainEntry {
  return { seq, prev, hash: chainHash(prev, event), event };
}

/** The text of one chain line, newline-terminated. */
export const entryLine = (entry: ChainEntry): string => `${JSON.stringify(entry)}\n`;
