import { KeyObject, verify } from "node:crypto";
import type { CryptoKey } from "jose";
import type { IssuerAlgorithm } from "./issuers.js";

/** What a key must be for an algorithm, and how node:crypto checks its signatures. */
interface AlgorithmRule {
  /** The digest node:crypto hashes with; null for EdDSA, which hashes inside. */
  digest: string | null;
  keyType: "ec" | "ed25519" | "rsa";
  /** The EC curve, for ECDSA. */
  curve?: string;
}

const RULES: Readonly<Record<IssuerAlgorithm, AlgorithmRule>> = {
  ES256: { digest: "sha256", keyType: "ec", curve: "prime256v1" },
  EdDSA: { digest: null, keyType: "ed25519" },
  RS256: { digest: "sha256", keyType: "rsa" },
};

// As jose refuses for RS256 (RFC 7518 3.3): a shorter modulus is forgeable in practice.
const MIN_RSA_MODULUS_BITS = 2048;

// jose hands out one CryptoKey per key and algorithm and keeps it: one conversion per key, not per token.
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  // Stryker disable next-line ConditionalExpression: a cache; converting the same key again gives the same KeyObject.
  if (object === undefined) {
    object = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    keyObjects.set(key, object);
  }
  return object;
}

/** Why a key cannot check an algorithm's signatures, or undefined when it can. */
function keyMismatch(alg: IssuerAlgorithm, key: KeyObject): string | undefined {
  const rule = RULES[alg];
  if (key.type !== "public") return "not a public key";
  if (key.asymmetricKeyType !== rule.keyType) return `a ${key.asymmetricKeyType} key cannot check ${alg}`;
  // Every asymmetric KeyObject has details; only an EC key has a namedCurve, so the others match a rule without one.
  const details = key.asymmetricKeyDetails!;
  if (details.namedCurve !== rule.curve) return `${alg} needs the ${rule.curve} curve`;
  if (rule.keyType === "rsa" && (details.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS)
    return `an RSA modulus under ${MIN_RSA_MODULUS_BITS} bits`;
  return undefined;
}

/**
 * Whether `signature` (base64url) is `alg`'s signature of `signingInput` (the
 * token's first two segments, as sent) under `key`, checked synchronously by
 * node:crypto (ADR 0015): jose 6 checks through WebCrypto, a round trip to the
 * thread pool per token. Throws when the key cannot check this algorithm at
 * all; jose has chosen the key by the header (kid, kty, crv), this checks it again.
 */
export function signatureVerifies(alg: IssuerAlgorithm, key: CryptoKey, signingInput: string, signature: string): boolean {
  const rule = RULES[alg];
  const object = keyObjectOf(key);
  const mismatch = keyMismatch(alg, object);
  if (mismatch !== undefined) throw new Error(`key refused for ${alg}: ${mismatch}`);
  const bytes = Buffer.from(signature, "base64url");
  // The segments are canonical base64url (checked before), so ASCII: any encoding gives the same bytes.
  const data = Buffer.from(signingInput);
  // JWS writes ECDSA signatures as r || s (RFC 7518 3.4), never DER; node:crypto refuses any other length. The
  // encoding is ignored for RSA and Ed25519 keys.
  return verify(rule.digest, data, { key: object, dsaEncoding: "ieee-p1363" }, bytes);
}
