import type { AuditEntrySource } from "../../lib/audit/entry-source.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import type { ReadSummary } from "./render-access.js";

/** Feeds every event of the trail to `add`, one at a time (a report holds its tallies, never the trail), and says what was read. */
export async function feedTrail(source: AuditEntrySource, dir: string, add: (event: AuditEvent) => void): Promise<ReadSummary> {
  const chains = new Set<string>();
  let entries = 0;
  for await (const entry of source()) {
    chains.add(entry.chain);
    entries += 1;
    add(entry.event);
  }
  return { dir, chains: chains.size, entries };
}
