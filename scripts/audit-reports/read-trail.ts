import { isAbsolute, relative } from "node:path";
import { type AuditEntrySource, folderEntrySource } from "../../lib/audit/entry-source.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import { listPostgresChains, postgresEntrySource } from "../../lib/audit/read-postgres.js";
import { openDatabaseSnapshot, safeUrl } from "../audit/database-snapshot.js";
import type { ReportTrail } from "./args.js";
import type { ReadSummary } from "./render-access.js";

/** An open trail: its entries, where they are read from (for the report's heading), and what to close. */
interface OpenTrail {
  source: AuditEntrySource;
  from: { dir: string } | { database: string };
  close(): Promise<void>;
}

/** A folder under the working directory (npm run's, the repository) is named as the operator would type it: .data/audit. */
function shownDir(dir: string): string {
  const shown = relative(process.cwd(), dir);
  return shown === "" || shown.startsWith("..") || isAbsolute(shown) ? dir : shown;
}

/**
 * The PostgreSQL store, read in one read-only snapshot (as audit:verify
 * reads it): a report counts the trail as it was at one moment, not a mix of
 * before and after the events the gateway goes on writing.
 */
async function openDatabase(url: string): Promise<OpenTrail> {
  const client = await openDatabaseSnapshot(url, "tearline-audit-report");
  try {
    // A database without the tables is said to be one, not reported as a trail with nothing in it.
    await listPostgresChains(client);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return { source: postgresEntrySource(client), from: { database: safeUrl(url) }, close: () => client.end() };
}

async function openTrail(trail: ReportTrail): Promise<OpenTrail> {
  if (trail.kind === "database") return openDatabase(trail.url);
  return { source: folderEntrySource(trail.dir), from: { dir: shownDir(trail.dir) }, close: async () => undefined };
}

/** Feeds every event of the trail to `add`, one at a time (a report holds its tallies, never the trail), and says what was read. */
export async function feedTrail(trail: ReportTrail, add: (event: AuditEvent) => void): Promise<ReadSummary> {
  const { source, from, close } = await openTrail(trail);
  const chains = new Set<string>();
  let entries = 0;
  try {
    for await (const entry of source()) {
      chains.add(entry.chain);
      entries += 1;
      add(entry.event);
    }
  } finally {
    await close();
  }
  return { ...from, chains: chains.size, entries };
}
