import type { Subject } from "@tearline/policy";

/**
 * A verified caller: the subject a decision reads, plus who they are and what
 * their token says beyond that. Made once per request by the identity step
 * from a token the gateway verified; nothing after that step reads the token.
 */
export interface Principal extends Subject {
  /** The token's `sub`. */
  sub: string;
  issuer: string;
  tokenId: string;
  /** Purposes of use the caller is authorised for (`purposes` claim); `purpose` is always one of them. */
  purposes: ReadonlySet<string>;
  /** Token expiry, seconds since the epoch. */
  expiresAt: number;
}
