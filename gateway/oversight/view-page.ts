import type { AuditEntrySource, EntryPosition } from "../../lib/audit/entry-source.js";
import { type EventFilter, matchesFilter } from "../../lib/audit/event-filter.js";
import { eventForNation, type NationEvent } from "../../lib/audit/nation-view.js";
import { encodeCursor } from "./cursor.js";

/** One event of a nation's view, with the place of its entry in the trail. */
export interface ViewEntry {
  chain: string;
  seq: number;
  event: NationEvent;
}

/** A page of a nation's view; `next` reads on from its last event, and is null once nothing more matches. */
export interface ViewPage {
  nation: string;
  events: ViewEntry[];
  next: string | null;
}

/**
 * Reads one page of `nation`'s view: the trail from the cursor on, a line at
 * a time, each event narrowed to the nation and then filtered, until the page
 * is full and one more event is known to match (so that the last page says it
 * is the last). Memory holds one page, never the trail.
 *
 * Every read scans from the cursor to the end of the page, through every
 * nation's events: fine for one folder of chains, not for years of them. What
 * would index it: beside each event, one row per nation it touches (nation,
 * at, partner, purpose, decisions, chain, seq) in the PostgreSQL store,
 * so that a page is one range scan on (nation, at).
 */
export async function readViewPage(
  source: AuditEntrySource,
  nation: string,
  query: { filter: EventFilter; limit: number; after: EntryPosition | undefined },
): Promise<ViewPage> {
  const events: ViewEntry[] = [];
  for await (const entry of source(query.after)) {
    const view = eventForNation(entry.event, nation);
    if (view === undefined || !matchesFilter(view, query.filter)) continue;
    if (events.length === query.limit) {
      const last = events.at(-1)!;
      return { nation, events, next: encodeCursor({ chain: last.chain, seq: last.seq }) };
    }
    events.push({ chain: entry.chain, seq: entry.seq, event: view });
  }
  return { nation, events, next: null };
}
