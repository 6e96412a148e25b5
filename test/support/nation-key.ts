import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";

/** A nation's agreement key (Ed25519), which signs what it publishes: the private half, its kid, the public JWKS. */
export interface NationKey {
  privateKey: CryptoKey;
  kid: string;
  jwks: object;
}

export async function newNationKey(): Promise<NationKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: "EdDSA", use: "sig" };
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey: privateKey as CryptoKey, kid, jwks: { keys: [{ ...jwk, kid }] } };
}
