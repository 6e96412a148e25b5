import type { EntryPosition } from "../../lib/audit/entry-source.js";

const CHAIN_ID = /^[A-Za-z0-9._-]{1,200}$/;
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;

/**
 * The opaque cursor of the next page: the position of the last entry given.
 * It says where to go on from and nothing more (no filter, no nation): a
 * cursor used by another nation, or with other filters, only positions a read
 * that is projected and filtered again for whoever reads.
 */
export const encodeCursor = (position: EntryPosition): string =>
  Buffer.from(JSON.stringify([position.chain, position.seq])).toString("base64url");

/** The position a cursor names, or undefined for anything that is not a cursor this gateway gave. */
export function decodeCursor(cursor: string): EntryPosition | undefined {
  if (!CURSOR.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [chain, seq] = value as unknown[];
  if (typeof chain !== "string" || !CHAIN_ID.test(chain) || !Number.isSafeInteger(seq) || (seq as number) < 0) return undefined;
  return { chain, seq: seq as number };
}
