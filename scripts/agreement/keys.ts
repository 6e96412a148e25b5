import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { AGREEMENT_ALGORITHM } from "../../lib/agreement-jws.js";
import { createExclusively, readIfPresent, replaceAtomically } from "../../lib/atomic-files.js";

/**
 * A nation's agreement key: Ed25519, apart from its token-signing keys, so
 * that a key that signs analysts' tokens can never sign what the nation shares.
 */
export interface AgreementKey {
  privateKey: CryptoKey;
  /** RFC 7638 thumbprint of the public key, as in the JWS header and the public JWKS. */
  kid: string;
}

// Under the keys dir beside the dev IdP's <NATION>/ folders; "agreements" can never be a nation code.
const folderOf = (keysDir: string, nation: string) => join(keysDir, "agreements", nation);

/** The nation's public agreement JWKS (its current key only): what a gateway verifies the nation's document with. */
export const agreementJwksPath = (keysDir: string, nation: string) => join(folderOf(keysDir, nation), "jwks.json");

/** The nation's private agreement key (JWK, mode 0600). */
export const agreementPrivateKeyPath = (keysDir: string, nation: string) => join(folderOf(keysDir, nation), "private.jwk.json");

const publicPart = ({ d: _private, ...publicJwk }: JWK): JWK => publicJwk;
const jwksOf = (privateJwk: JWK) => `${JSON.stringify({ keys: [publicPart(privateJwk)] }, null, 2)}\n`;
const jwkText = (jwk: JWK) => `${JSON.stringify(jwk, null, 2)}\n`;

async function generateAgreementJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(AGREEMENT_ALGORITHM, { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(publicPart(jwk)), alg: AGREEMENT_ALGORITHM, use: "sig" };
}

async function readPrivateJwk(path: string): Promise<JWK | undefined> {
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  if (jwk?.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string" || typeof jwk.kid !== "string") {
    throw new Error(`${path} does not hold an Ed25519 private agreement key`);
  }
  return jwk;
}

async function toAgreementKey(privateJwk: JWK, path: string): Promise<AgreementKey> {
  const privateKey = await importJWK(privateJwk, AGREEMENT_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new Error(`${path} does not hold an ${AGREEMENT_ALGORITHM} private key`);
  return { privateKey, kid: privateJwk.kid! };
}

/** Rewrites the public JWKS unless it already holds exactly the current key (it may lag after an interrupted rotation). */
async function publish(keysDir: string, nation: string, privateJwk: JWK): Promise<void> {
  const path = agreementJwksPath(keysDir, nation);
  const wanted = jwksOf(privateJwk);
  if ((await readIfPresent(path)) !== wanted) await replaceAtomically(path, wanted, 0o644);
}

/**
 * The nation's agreement key: created on first use, then read from
 * `<keysDir>/agreements/<NATION>/private.jwk.json` every time after; its
 * public half is kept in `jwks.json` beside it.
 */
export async function loadOrCreateAgreementKey(keysDir: string, nation: string): Promise<AgreementKey> {
  const privatePath = agreementPrivateKeyPath(keysDir, nation);
  let privateJwk = await readPrivateJwk(privatePath);
  if (privateJwk === undefined) {
    await mkdir(folderOf(keysDir, nation), { recursive: true, mode: 0o700 });
    const created = await generateAgreementJwk();
    privateJwk = (await createExclusively(privatePath, jwkText(created), 0o600)) ? created : await readPrivateJwk(privatePath);
    if (privateJwk === undefined) throw new Error(`${privatePath} vanished while it was being created`);
  }
  await publish(keysDir, nation, privateJwk);
  return toAgreementKey(privateJwk, privatePath);
}

/**
 * Replaces the nation's agreement key with a new one: the private key first,
 * then the public JWKS (which names only the new key), each renamed into place
 * whole. Documents signed with the old key stop verifying: re-sign at once.
 */
export async function rotateAgreementKey(keysDir: string, nation: string): Promise<AgreementKey> {
  const privatePath = agreementPrivateKeyPath(keysDir, nation);
  await mkdir(folderOf(keysDir, nation), { recursive: true, mode: 0o700 });
  const created = await generateAgreementJwk();
  await replaceAtomically(privatePath, jwkText(created), 0o600);
  await publish(keysDir, nation, created);
  return toAgreementKey(created, privatePath);
}
