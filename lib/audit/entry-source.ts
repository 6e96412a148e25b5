import type { ChainEntry } from "./chain.js";
import { listChainFiles, readChainEntries } from "./read-chains.js";

/** Where an entry stands in the trail: its chain, and its place in that chain. */
export interface EntryPosition {
  chain: string;
  seq: number;
}

export type PositionedEntry = ChainEntry & { chain: string };

/**
 * Every entry of the audit trail after `after` (from the start without it),
 * in (chain, seq) order, chains compared as strings: an order that holds
 * while chains grow and new ones start, so a position stays a valid place to
 * go on from. The readers (the oversight view, the reports) take a source,
 * not a folder, so that the PostgreSQL store can give one (`WHERE (chain,
 * seq) > ($1, $2) ORDER BY chain, seq`).
 */
export type AuditEntrySource = (after?: EntryPosition) => AsyncIterable<PositionedEntry>;

/** The file store's source: the chain files of one folder, read a line at a time (no chain is held whole). */
export function folderEntrySource(dir: string): AuditEntrySource {
  return async function* entries(after) {
    // Sorted by chain id here, not by file name, so that the order is the one positions are compared in.
    const chains = (await listChainFiles(dir)).sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0));
    for (const files of chains) {
      // Chains before the position are passed over unopened.
      if (after !== undefined && files.chain < after.chain) continue;
      for await (const entry of readChainEntries(files.events)) {
        if (after !== undefined && files.chain === after.chain && entry.seq <= after.seq) continue;
        yield { ...entry, chain: files.chain };
      }
    }
  };
}
