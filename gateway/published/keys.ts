import { PublicKeySet } from "../../lib/jwks-keys.js";
import type { JwksSource } from "../../lib/trust-config.js";

/**
 * A nation's agreement keys, which sign what it publishes (its agreements, its
 * revocation list), from a JWKS file or URL (see PublicKeySet): a rotated key
 * is picked up without a restart, an unknown kid refetches a URL at most once
 * per cooldown, and a set that cannot be read trusts nothing. A poller reads
 * the keys once per poll, so a key file is read again at every use (no
 * recheck interval): a poll always sees the file as it is.
 */
export type NationKeys = PublicKeySet;

export function nationKeys(source: JwksSource, now: () => number = Date.now): NationKeys {
  return new PublicKeySet(source, { fileRecheckMs: 0, now });
}
