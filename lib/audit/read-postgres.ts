import { canonicalJson } from "../canonical-json.js";
import type { ChainEntry } from "./chain.js";
import type { AuditEntrySource } from "./entry-source.js";
import { CHECKPOINTS, ENTRIES_AFTER, EVENTS_PAGE, LIST_CHAINS, TABLES_PRESENT } from "./postgres-tables.js";
import type { StoredChain } from "./verify-trail.js";

/** What the reader needs of a PostgreSQL connection (a pg Client or Pool); lib/ names no driver. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

const PAGE = 10_000;
const BEFORE_ANY = "-9223372036854775808";

/** The ids of every chain in the database; throws when it holds no audit tables. */
export async function listPostgresChains(db: Queryable): Promise<string[]> {
  const [tables] = (await db.query(TABLES_PRESENT)).rows as Array<{ present: boolean }>;
  if (!tables?.present) throw new Error("the database holds no audit trail (no tearline_audit_events table)");
  return ((await db.query(LIST_CHAINS)).rows as Array<{ chain: string }>).map((row) => row.chain);
}

/**
 * The line of one stored event. Its text is used as stored only when it is
 * the canonical JSON that was hashed: any other text (reformatted, or with a
 * line break that would split the line) stands as an event that is not one,
 * so that verification stops at it.
 */
function eventLine(row: { seq: string; prev: string; hash: string; event: string }): string {
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(JSON.parse(row.event));
  } catch {
    canonical = undefined;
  }
  const event = canonical === row.event ? row.event : "null";
  return `{"seq":${row.seq},"prev":${JSON.stringify(row.prev)},"hash":${JSON.stringify(row.hash)},"event":${event}}\n`;
}

/**
 * One chain's rows as the lines verifyChain reads. Checkpoints are read
 * before events: the gateway writes a checkpoint only after the events it
 * counts, so a chain read while it grows never looks cut short.
 */
export async function readPostgresChain(db: Queryable, chain: string): Promise<StoredChain> {
  const signed = (await db.query(CHECKPOINTS, [chain])).rows as Array<{ jws: string }>;
  const lines: string[] = [];
  let after = BEFORE_ANY;
  for (;;) {
    const rows = (await db.query(EVENTS_PAGE, [chain, after, PAGE])).rows as Array<{
      seq: string;
      prev: string;
      hash: string;
      event: string;
    }>;
    for (const row of rows) lines.push(eventLine(row));
    if (rows.length < PAGE) break;
    after = rows.at(-1)!.seq;
  }
  return { chain, events: lines.join(""), checkpoints: signed.map((row) => `${row.jws}\n`).join("") };
}

/** Rows read per query by the entry source: a reader that stops early (a full page) has read at most this many more. */
const ENTRIES_PAGE = 500;

/**
 * The PostgreSQL store's AuditEntrySource (the oversight view, the reports):
 * every chain's entries after a position, a page of rows per query, so that
 * neither the trail nor a chain is held whole. Reading is not verifying: a
 * row whose event is not JSON is skipped, as a bad line of a chain file is.
 */
export function postgresEntrySource(db: Queryable): AuditEntrySource {
  return async function* entries(after) {
    // The empty chain id sorts before every other: from the start without a position.
    let chain = after?.chain ?? "";
    let seq = after === undefined ? BEFORE_ANY : String(after.seq);
    for (;;) {
      const rows = (await db.query(ENTRIES_AFTER, [chain, seq, ENTRIES_PAGE])).rows as Array<{
        chain: string;
        seq: string;
        prev: string;
        hash: string;
        event: string;
      }>;
      for (const row of rows) {
        let event: ChainEntry["event"];
        try {
          event = JSON.parse(row.event) as ChainEntry["event"];
        } catch {
          continue;
        }
        yield { chain: row.chain, seq: Number(row.seq), prev: row.prev, hash: row.hash, event };
      }
      if (rows.length < ENTRIES_PAGE) return;
      ({ chain, seq } = rows.at(-1)!);
    }
  };
}
