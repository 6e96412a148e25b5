import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from "node:crypto";
import type { JWK } from "jose";

/**
 * The gateway's envelope signing key: one Ed25519 private key, kept as a
 * private JWK file (with its kid) that the gateway reads, and published as a
 * public JWKS that every nation's subgraph trusts. Shared by the gateway
 * (which signs), the key command and the stack (which create it) and tests.
 */
export interface EnvelopeSigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public half as a JWKS publishes it (kty, crv, x, kid, alg, use). */
  publicJwk: JWK;
}

/** RFC 7638 thumbprint of an Ed25519 public JWK: a kid that names the key material and nothing else. */
export function ed25519Thumbprint(publicJwk: { x?: string }): string {
  const canonical = JSON.stringify({ crv: "Ed25519", kty: "OKP", x: publicJwk.x });
  return createHash("sha256").update(canonical).digest("base64url");
}

/** A new Ed25519 private JWK with its kid (the thumbprint), as written to the gateway's key file. */
export function generateEnvelopeJwk(): JWK {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" }) as JWK;
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d, kid: ed25519Thumbprint(jwk), alg: "EdDSA", use: "sig" };
}

/** The public JWK of a private one: what the JWKS beside it holds. */
export const publicJwkOf = ({ d: _private, ...publicJwk }: JWK): JWK => publicJwk;

/**
 * Reads the text of a private envelope key file; throws an Error naming the
 * problem (never the key) when it is not one Ed25519 private JWK with a kid
 * whose public half matches its private half.
 */
export function envelopeSigningKeyOf(text: string): EnvelopeSigningKey {
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error("is not JSON");
  }
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string" || typeof jwk.x !== "string") {
    throw new Error("does not hold an Ed25519 private JWK");
  }
  if (typeof jwk.kid !== "string" || jwk.kid === "") throw new Error("has no kid");
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  } catch {
    throw new Error("does not hold a usable Ed25519 private key");
  }
  // A published x that is not this key's would make every subgraph refuse every envelope: refuse it here instead.
  if ((createPublicKey(privateKey).export({ format: "jwk" }) as JWK).x !== jwk.x) throw new Error("has an x that is not its key's");
  return { kid: jwk.kid, privateKey, publicJwk: { ...publicJwkOf(jwk), alg: "EdDSA", use: "sig" } };
}
