import type { KeyObject } from "node:crypto";
import { CheckpointRejected, type VerifiedCheckpoint, verifyCheckpoint } from "./checkpoint.js";
import { type ChainBroken, type ChainVerdict, type UnsignedLimits, verifyChain } from "./verify-chain.js";

/** The gateway's public checkpoint keys by kid: its current ones and every one it has retired. */
export type CheckpointKeys = (kid: string) => KeyObject | undefined;

/** One chain as read from its store, whichever: its events as chain lines, its checkpoints one JWS a line. */
export interface StoredChain {
  /** The id it is stored under: its files' name, or its rows' chain column. */
  chain: string;
  events: string;
  /** Undefined when the chain's checkpoints file is missing altogether. */
  checkpoints: string | undefined;
}

const broken = (position: string, problem: string): ChainBroken => ({ ok: false, position, problem });

/**
 * The signed checkpoints of a chain, one JWS a line, up to the first that
 * does not verify; that one, if any, is named as the problem.
 */
async function readCheckpoints(text: string, keyFor: CheckpointKeys): Promise<{ verified: VerifiedCheckpoint[]; problem?: ChainBroken }> {
  const lines = text.split("\n");
  const tail = lines.pop();
  const verified: VerifiedCheckpoint[] = [];
  for (const [index, jws] of lines.entries()) {
    try {
      verified.push(await verifyCheckpoint(jws, keyFor));
    } catch (error) {
      if (!(error instanceof CheckpointRejected)) throw error;
      return { verified, problem: broken(`checkpoint ${index + 1}`, error.message) };
    }
  }
  if (tail !== undefined && tail !== "")
    return { verified, problem: broken(`checkpoint ${lines.length + 1}`, "a partial line: the last write did not complete") };
  return { verified };
}

/**
 * Verifies one stored chain whole: every checkpoint's signature with the
 * gateway's keys, then the events against the checkpoints that verified
 * (verifyChain). An event's problem is named before a checkpoint's, as
 * verifyChain does; a chain stored under another chain's id is broken too
 * (its files, or its rows, were moved). With `limits`, an unsigned tail
 * longer than a gateway leaves is broken too (its checkpoints were removed).
 */
export async function verifyStoredChain(stored: StoredChain, keyFor: CheckpointKeys, limits?: UnsignedLimits): Promise<ChainVerdict> {
  const { verified, problem } =
    stored.checkpoints === undefined
      ? { verified: [], problem: broken("checkpoints", "the chain's checkpoints file is missing") }
      : await readCheckpoints(stored.checkpoints, keyFor);
  // A checkpoint that is missing or does not verify is named rather than the unsigned tail it leaves.
  const verdict = verifyChain(stored.events, verified, problem ? undefined : limits);
  if (!verdict.ok) return verdict;
  if (verdict.chain !== stored.chain) return broken("event 1", `it starts chain ${verdict.chain}, but is stored as chain ${stored.chain}`);
  return problem ?? verdict;
}
