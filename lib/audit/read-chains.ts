import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ChainEntry } from "./chain.js";

export const EVENTS_SUFFIX = ".jsonl";
export const CHECKPOINTS_SUFFIX = ".checkpoints.jsonl";

/** The files of one chain in a folder of the file store. */
export interface ChainFileSet {
  chain: string;
  events: string;
  checkpoints: string;
}

/** Every chain in an audit folder, oldest first (chain ids begin with their start time). */
export async function listChainFiles(dir: string): Promise<ChainFileSet[]> {
  const names = await readdir(dir);
  return names
    .filter((name) => name.endsWith(EVENTS_SUFFIX) && !name.endsWith(CHECKPOINTS_SUFFIX))
    .sort()
    .map((name) => {
      const chain = name.slice(0, -EVENTS_SUFFIX.length);
      return { chain, events: join(dir, name), checkpoints: join(dir, `${chain}${CHECKPOINTS_SUFFIX}`) };
    });
}

/**
 * The entries of one chain file, one at a time (a chain may be large).
 * Reading is not verifying: `npm run audit:verify` is what says a chain is
 * intact; a line that is not an entry is skipped here.
 */
export async function* readChainEntries(file: string): AsyncGenerator<ChainEntry> {
  const input = createReadStream(file, { encoding: "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line === "") continue;
      try {
        yield JSON.parse(line) as ChainEntry;
      } catch {
        // A partial last line (a write cut short) or an edited one.
      }
    }
  } finally {
    // A reader that stops early (a page that is full) closes readline, which leaves the file open: close it here.
    input.destroy();
  }
}

/** Every entry of every chain in an audit folder, chain by chain. */
export async function* readAuditFolder(dir: string): AsyncGenerator<ChainEntry & { chain: string }> {
  for (const files of await listChainFiles(dir)) {
    for await (const entry of readChainEntries(files.events)) yield { ...entry, chain: files.chain };
  }
}
