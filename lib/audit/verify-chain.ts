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

/**
 * How long a tail of unsigned events a gateway can leave (after a crash, say):
 * it checkpoints after every `checkpointEvery` events and every
 * `checkpointSeconds` while events arrive. A longer unsigned tail means
 * checkpoints were removed, which needs no key, so it breaks the chain.
 */
export interface UnsignedLimits {
  /** Events after the last checkpoint: the gateway's AUDIT_CHECKPOINT_EVERY plus one group-commit batch. */
  maxUnsigned: number;
  /** From the earliest to the latest time of those events, in ms: its AUDIT_CHECKPOINT_SECONDS plus a request's longest life. */
  maxUnsignedSpanMs: number;
}

/** The limits the verifier applies for a gateway with these checkpoint settings (the gateway's defaults: 1000, 10 s). */
export function unsignedLimits(checkpointEvery: number, checkpointSeconds: number): UnsignedLimits {
  // 1000: more than one batch can hold (a batch is the events of operations in flight, 256 at most by default).
  // 60 s: an event's time is its request's arrival, and a request may live that long before it is recorded.
  return { maxUnsigned: checkpointEvery + 1000, maxUnsignedSpanMs: Math.round(checkpointSeconds * 1000) + 60_000 };
}

/** The unsigned tail's problem, if it is longer in events or in time than a gateway leaves. */
function unsignedTailProblem(times: readonly number[], from: number, limits: UnsignedLimits): ChainBroken | undefined {
  const unsigned = times.length - from;
  const at = `event ${from + 1}`;
  if (unsigned > limits.maxUnsigned)
    return broken(
      at,
      `${unsigned} events follow the last checkpoint, more than a gateway leaves unsigned (${limits.maxUnsigned}): checkpoints were removed`,
    );
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (let index = from; index < times.length; index++) {
    // A time that cannot be read could hide any span.
    if (Number.isNaN(times[index])) return broken(`event ${index + 1}`, "an unsigned event without a readable time");
    earliest = Math.min(earliest, times[index]!);
    latest = Math.max(latest, times[index]!);
  }
  if (latest - earliest > limits.maxUnsignedSpanMs)
    return broken(
      at,
      `the events after the last checkpoint span ${Math.round((latest - earliest) / 1000)} s, longer than a gateway leaves unsigned (${limits.maxUnsignedSpanMs / 1000} s): checkpoints were removed`,
    );
  return undefined;
}

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
 * event after a final checkpoint, breaks it too. With `limits`, an unsigned
 * tail longer than a gateway leaves breaks it as well (checkpoints removed).
 * Names the first problem.
 */
export function verifyChain(text: string, checkpoints: readonly VerifiedCheckpoint[], limits?: UnsignedLimits): ChainVerdict {
  // A file always ends in a newline; anything after the last one is a write cut short.
  const lines = text.split("\n");
  const tail = lines.pop();
  if (tail !== undefined && tail !== "") return broken(`line ${lines.length + 1}`, "a partial line: the last write did not complete");
  let prev = GENESIS;
  let chain: string | undefined;
  const hashes: string[] = [GENESIS];
  // Each event's time (ms), in chain order: for the unsigned tail's span.
  const times: number[] = [];
  for (const [index, line] of lines.entries()) {
    const seq = index + 1;
    const entry = parseEntry(line);
    if (!entry) return broken(`event ${seq}`, "not a chain entry");
    if (entry.seq !== seq) return broken(`event ${seq}`, `it says it is event ${entry.seq}: an event was removed, inserted or moved`);
    if (entry.prev !== prev) return broken(`event ${seq}`, "its previous hash is not the hash of the event before it");
    if (chainHash(prev, entry.event as AuditEvent) !== entry.hash)
      return broken(`event ${seq}`, "its hash does not match its content: it was edited");
    times.push(typeof entry.event.at === "string" ? Date.parse(entry.event.at) : Number.NaN);
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
  const tailProblem = limits && unsignedTailProblem(times, last?.count ?? 0, limits);
  if (tailProblem) return tailProblem;
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
