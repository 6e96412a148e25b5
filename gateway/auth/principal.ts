import type { Classification } from "../policy/classification.js";

/**
 * A verified caller. Made once per request by the identity step from a token
 * the gateway verified; nothing after that step reads the token again.
 */
export interface Principal {
  subject: string;
  /** ISO 3166 alpha-3 code of the caller's nation, taken from the trusted issuer, never from a claim. */
  nation: string;
  issuer: string;
  tokenId: string;
  clearance: Classification;
  compartments: ReadonlySet<string>;
  /** Purposes of use the caller is authorised for (`purposes` claim). */
  purposes: ReadonlySet<string>;
  /** The purpose this request declared in X-Purpose; always one of `purposes`. */
  purpose: string;
  scopes: ReadonlySet<string>;
  /** Token expiry, seconds since the epoch. */
  expiresAt: number;
}

/**
 * Everything a policy decision reads from a principal, as one string: requests
 * with equal keys get equal decisions, so it keys the decision cache.
 */
export function attributeKey(principal: Principal): string {
  // JSON, not a join: claim values may contain any separator, and two callers must never share a key.
  const sorted = (values: ReadonlySet<string>) => [...values].sort();
  return JSON.stringify([principal.nation, principal.clearance, sorted(principal.compartments), principal.purpose, sorted(principal.scopes)]);
}
