import { randomBytes } from "node:crypto";
import { print } from "graphql";
import { ThreatPictureDocument } from "../examples/analyst/__generated__/operations.js";
import { ALLOWED, type Attributes, callerHeaders, REDACTED } from "./callers.js";
import { SOAK_KINDS, type SoakKindId } from "./soak-classes.js";

type Headers = Record<string, string>;

/**
 * A fixed population of callers whose tokens are signed afresh as the soak goes: every `freshEvery` uses, the slot
 * just used gets a new token (same subject, new `jti`) in the background, so that the gateway keeps verifying
 * signatures and its token cache keeps turning over, without a population of subjects that grows with time.
 */
class TokenPool {
  signed = 0;
  private uses = 0;

  private constructor(
    private readonly sign: (slot: number) => Promise<Headers>,
    private readonly slots: Headers[],
    private readonly freshEvery: number,
  ) {}

  static async create(sign: (slot: number) => Promise<Headers>, size: number, freshEvery: number): Promise<TokenPool> {
    const slots: Headers[] = [];
    for (let slot = 0; slot < size; slot++) slots.push(await sign(slot));
    return new TokenPool(sign, slots, freshEvery);
  }

  next(): Headers {
    const slot = this.uses++ % this.slots.length;
    const headers = this.slots[slot]!;
    if (this.uses % this.freshEvery === 0)
      void this.sign(slot).then((fresh) => {
        this.slots[slot] = fresh;
        this.signed++;
      });
    return headers;
  }
}

/** Over MAX_COST (20,000): a page of 100 actors with 100 sightings each, 3 fields a sighting. */
export const TOO_COSTLY = "query TooCostly { threatActors(first: 100) { id sightings(first: 100) { id observedAt country } } }";
/** GBR's attributedState is released to FVEY only and labelled onDeny: REJECT; the cleared caller is DEU's. */
export const REJECTED_FIELD = "query Attribution { threatActors(first: 3) { id name attributedState } }";
/** A purpose the cleared caller's tokens do not hold (they hold CT and CYBER). */
export const UNHELD_PURPOSE = "HUMINT";

export interface SoakCallers {
  /** The headers and body of the next request of each kind, in SOAK_KINDS' order. */
  requests: ReadonlyArray<() => { headers: Headers; body: string }>;
  /** Tokens signed since the start, beyond the first of each slot. */
  freshTokens(): number;
}

export async function soakCallers(
  keysDir: string,
  options: { subjects: number; freshEvery: number; ttlSeconds: number },
): Promise<SoakCallers> {
  const pool = (set: Attributes, name: string, ttlSeconds = options.ttlSeconds) =>
    TokenPool.create((slot) => callerHeaders(keysDir, set, `soak-${name}-${slot}`, ttlSeconds), options.subjects, options.freshEvery);
  const allowed = await pool(ALLOWED, "allowed");
  const redacted = await pool(REDACTED, "redacted");
  // Expired ten minutes ago: well past the gateway's 30 s of clock tolerance.
  const expired = await pool(ALLOWED, "expired", -600);
  const typical = JSON.stringify({ query: print(ThreatPictureDocument), variables: { first: 3 } });
  const body = (query: string) => JSON.stringify({ query });
  /** One cleared caller's token, its signature replaced by that of another token from the same key. */
  const wrongSignature = (): Headers => {
    const a = allowed.next();
    const b = allowed.next();
    const [header, payload] = a.authorization!.slice("Bearer ".length).split(".");
    const signature = b.authorization!.split(".")[2];
    return { ...a, authorization: `Bearer ${header}.${payload}.${signature}` };
  };
  const garbage = (): Headers => ({
    authorization: `Bearer ${[12, 48, 64].map((n) => randomBytes(n).toString("base64url")).join(".")}`,
    "x-purpose": ALLOWED.purpose,
  });
  const byId: Record<SoakKindId, () => { headers: Headers; body: string }> = {
    allowed: () => ({ headers: allowed.next(), body: typical }),
    redacted: () => ({ headers: redacted.next(), body: typical }),
    "too-costly": () => ({ headers: allowed.next(), body: body(TOO_COSTLY) }),
    "rejected-field": () => ({ headers: allowed.next(), body: body(REJECTED_FIELD) }),
    "unheld-purpose": () => ({ headers: { ...allowed.next(), "x-purpose": UNHELD_PURPOSE }, body: typical }),
    expired: () => ({ headers: expired.next(), body: typical }),
    "wrong-signature": () => ({ headers: wrongSignature(), body: typical }),
    garbage: () => ({ headers: garbage(), body: typical }),
  };
  return {
    requests: SOAK_KINDS.map((kind) => byId[kind.id]),
    freshTokens: () => allowed.signed + redacted.signed + expired.signed,
  };
}
