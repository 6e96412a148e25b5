import { type ChainEntry, chainHash, GENESIS } from "./chain.js";
import type { VerifiedCheckpoint } from "./checkpoint.js";
import type { AuditEvent } from "./event.js";

/** The chain and its checkpoints agree; `count` events end in `head`. */
export interface ChainIntact {
  ok: true;
  chain: string;
  count: number;
  head: string;
  checkpoints: number;
  /** Whether the last checkpoint is the final one (the gateway stopped cleanly). */
  closed: boolean;
  /** Events after the last checkpoint: written, but not yet vouched for by a signature. */
  unsigned: number;
}

/** The first thing wrong: where (an event's position, 1-based, or a checkpoint's), and what. */
export interface ChainBroken {
  ok: false;
  /** "event 17", "line 18", "checkpoint 3". */
  position: string;
  problem: string;
}

export type ChainVerdict = ChainIntact | ChainBroken;

const broken = (position: string, problem: string): ChainBroken => ({ ok: false, position, problem });

function parseEntry(line: string): ChainEntry | undefined {
  try {
    const entry = JSON.parse(line) as ChainEntry;
    if (
      typeof entry === "object" &&
      entry !== null &&
      Number.isSafeInteger(entry.seq) &&
      typeof entry.prev === "string" &&
      typeof entry.hash === "string" &&
      typeof entry.event === "object" &&
      entry.event !== null
    )
      return entry;
  } catch {
    // Reported by the caller as a line that is not an entry.
  }
  return undefined;
}

/**
 * Checks one chain's lines (the text of its file, or its rows in order) and
 * its verified checkpoints. Recomputes every hash from the genesis, so an
 * edited, removed, inserted or reordered event breaks the chain at that
 * event; a checkpoint whose head is not the chain's hash at its count, or
 * that counts more events than the chain holds (the tail was cut), or any
 * event after a final checkpoint, breaks it too. Names the first problem.
 */
export function verifyChain(text: string, checkpoints: readonly VerifiedCheckpoint[]): ChainVerdict {
  // A file always ends in a newline; anything after the last one is a write cut short.
  const lines = text.split("\n");
  const tail = lines.pop();
  if (tail !== undefined && tail !== "") return broken(`line ${lines.length + 1}`, "a partial line: the last write did not complete");
  let prev = GENESIS;
  let chain: string | undefined;
  const hashes: string[] = [GENESIS];
  for (const [index, line] of lines.entries()) {
    const seq = index + 1;
    const entry = parseEntry(line);
    if (!entry) return broken(`event ${seq}`, "not a chain entry");
    if (entry.seq !== seq) return broken(`event ${seq}`, `it says it is event ${entry.seq}: an event was removed, inserted or moved`);
    if (entry.prev !== prev) return broken(`event ${seq}`, "its previous hash is not the hash of the event before it");
    if (chainHash(prev, entry.event as AuditEvent) !== entry.hash)
      return broken(`event ${seq}`, "its hash does not match its content: it was edited");
    if (seq === 1) {
      if (entry.event.kind !== "chain-start") return broken("event 1", "a chain must begin with its chain-start event");
      chain = entry.event.chain;
    } else if (entry.event.kind === "chain-start") return broken(`event ${seq}`, "a second chain-start event");
    prev = entry.hash;
    hashes.push(prev);
  }
  if (chain === undefined) return broken("event 1", "the chain is empty");
  const count = hashes.length - 1;
  let last: VerifiedCheckpoint | undefined;
  for (const [index, checkpoint] of checkpoints.entries()) {
    const at = `checkpoint ${index + 1}`;
    if (checkpoint.chain !== chain) return broken(at, `it is for chain ${checkpoint.chain}, not ${chain}`);
    if (last && checkpoint.count < last.count) return broken(at, "it counts fewer events than the checkpoint before it");
    if (last?.final) return broken(at, "it follows the chain's final checkpoint");
    if (checkpoint.count > count)
      return broken(at, `it vouches for ${checkpoint.count} events, the chain has ${count}: events after ${count} were removed`);
    if (hashes[checkpoint.count] !== checkpoint.head) return broken(at, `its head is not the chain's hash after event ${checkpoint.count}`);
    last = checkpoint;
  }
  if (last?.final && last.count !== count) return broken(`event ${last.count + 1}`, "an event after the chain's final checkpoint");
  return {
    ok: true,
    chain,
    count,
    head: prev,
    checkpoints: checkpoints.length,
    closed: last?.final ?? false,
    unsigned: count - (last?.count ?? 0),
  };
}
