import { CompactSign, compactVerify, decodeProtectedHeader, type KeyObject } from "jose";

/**
 * The media type of a signed audit checkpoint. Envelopes, agreements and
 * access tokens carry others: a checkpoint can never pass for one of them,
 * nor one of them for a checkpoint, even when one key signs several kinds.
 */
export const CHECKPOINT_TYP = "tearline-audit-checkpoint+jws";

/** What a checkpoint vouches for: the chain had `count` events ending in `head` at `at`. */
export interface CheckpointPayload {
  chain: string;
  count: number;
  head: string;
  /** ISO 8601 time it was signed. */
  at: string;
  /** True for the checkpoint written when the gateway stops: nothing may follow it. */
  final: boolean;
}

export interface VerifiedCheckpoint extends CheckpointPayload {
  kid: string;
}

/** A checkpoint that does not verify; the message says what is wrong. */
export class CheckpointRejected extends Error {}

export async function signCheckpoint(payload: CheckpointPayload, privateKey: KeyObject, kid: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", typ: CHECKPOINT_TYP, kid })
    .sign(privateKey);
}

const isHash = (value: unknown): value is string => typeof value === "string" && /^[0-9a-f]{64}$/.test(value);

/** Verifies one checkpoint against the gateway's public keys (by kid) and reads it. */
export async function verifyCheckpoint(jws: string, keyFor: (kid: string) => KeyObject | undefined): Promise<VerifiedCheckpoint> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new CheckpointRejected("not a compact JWS");
  }
  if (header.typ !== CHECKPOINT_TYP) throw new CheckpointRejected("not an audit checkpoint (typ)");
  if (header.alg !== "EdDSA") throw new CheckpointRejected("unexpected signature algorithm");
  if (typeof header.kid !== "string") throw new CheckpointRejected("no key id");
  const key = keyFor(header.kid);
  if (!key) throw new CheckpointRejected(`signed by key ${header.kid}, which is not a gateway key`);
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: ["EdDSA"] }));
  } catch {
    throw new CheckpointRejected("signature does not verify");
  }
  let value: Partial<CheckpointPayload>;
  try {
    value = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new CheckpointRejected("payload is not JSON");
  }
  // JSON null (or any non-object) has no fields to read: refused as the rest, not a TypeError that stops verification.
  if (typeof value !== "object" || value === null) throw new CheckpointRejected("payload is not a checkpoint");
  const { chain, count, head, at, final } = value;
  if (
    typeof chain !== "string" ||
    !Number.isSafeInteger(count) ||
    (count as number) < 0 ||
    !isHash(head) ||
    typeof at !== "string" ||
    typeof final !== "boolean"
  )
    throw new CheckpointRejected("payload is not a checkpoint");
  return { chain, count: count as number, head, at, final, kid: header.kid };
}
