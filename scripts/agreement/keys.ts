import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { AGREEMENT_ALGORITHM, agreementKeysOf } from "../../lib/agreement-jws.js";
import { createExclusively, readIfPresent, replaceAtomically } from "../../lib/atomic-files.js";

/**
 * A nation's agreement key: Ed25519, apart from its token-signing keys, so
 * that a key that signs analysts' tokens can never sign what the nation shares.
 */
export interface AgreementKey {
  privateKey: CryptoKey;
  /** RFC 7638 thumbprint of the public key, as in the JWS header and the public JWKS. */
  kid: string;
  /** The public half, as published in the JWKS. */
  publicJwk: JWK;
}

// Under the keys dir beside the dev IdP's <NATION>/ folders; "agreements" can never be a nation code.
const folderOf = (keysDir: string, nation: string) => join(keysDir, "agreements", nation);

/**
 * The nation's public agreement JWKS: what a gateway verifies the nation's
 * document with. It names the current key only, except during a rotation,
 * when it names the old key and the new one until the document is re-signed
 * and the new private key saved.
 */
export const agreementJwksPath = (keysDir: string, nation: string) => join(folderOf(keysDir, nation), "jwks.json");

/** The nation's private agreement key (JWK, mode 0600). */
export const agreementPrivateKeyPath = (keysDir: string, nation: string) => join(folderOf(keysDir, nation), "private.jwk.json");

const publicPart = ({ d: _private, ...publicJwk }: JWK): JWK => publicJwk;
const jwksText = (publicJwks: readonly JWK[]) => `${JSON.stringify({ keys: publicJwks }, null, 2)}\n`;
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
  return { privateKey, kid: privateJwk.kid!, publicJwk: publicPart(privateJwk) };
}

/** The public keys the nation's JWKS names now (none when it has none, or is unreadable: it is about to be rewritten). */
async function publishedKeys(keysDir: string, nation: string): Promise<JWK[]> {
  const text = await readIfPresent(agreementJwksPath(keysDir, nation));
  if (text === undefined) return [];
  try {
    return [...agreementKeysOf(JSON.parse(text)).values()];
  } catch {
    return [];
  }
}

/** Rewrites the public JWKS as `keys`, unless it already says exactly that. */
async function publish(keysDir: string, nation: string, keys: readonly JWK[]): Promise<void> {
  const path = agreementJwksPath(keysDir, nation);
  const wanted = jwksText(keys);
  if ((await readIfPresent(path)) !== wanted) await replaceAtomically(path, wanted, 0o644);
}

/** Adds `key` to the public JWKS, keeping the keys already there: the document on disk must keep verifying. */
async function publishAlongside(keysDir: string, nation: string, key: AgreementKey): Promise<void> {
  const keys = (await publishedKeys(keysDir, nation)).filter((jwk) => jwk.kid !== key.kid);
  await publish(keysDir, nation, [...keys, key.publicJwk]);
}

/**
 * Makes the public JWKS name `key` alone. Only once a document signed with
 * `key` is on disk: until then the JWKS keeps the key that signed the one there.
 */
export async function publishOnly(keysDir: string, nation: string, key: AgreementKey): Promise<void> {
  await publish(keysDir, nation, [key.publicJwk]);
}

/**
 * The nation's agreement key: created on first use, then read from
 * `<keysDir>/agreements/<NATION>/private.jwk.json` every time after. Its
 * public half is added to `jwks.json` beside it if missing there (it may lag
 * after an interrupted rotation); any other key there stays until a document
 * signed with this one is written (see publishOnly).
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
  const key = await toAgreementKey(privateJwk, privatePath);
  await publishAlongside(keysDir, nation, key);
  return key;
}

/**
 * Replaces the nation's agreement key with a new one, in an order that keeps
 * the nation's document verifiable whatever step fails:
 *
 * 1. a new key, in memory;
 * 2. the public JWKS names the keys it named (the old one) and the new one;
 * 3. `resign` signs the document with the new key and writes it;
 * 4. the new private key replaces the old one;
 * 5. the public JWKS names the new key alone.
 *
 * If `resign` fails, the old document, the old private key and a JWKS that
 * still names the old key stay: every command goes on with the old key (the
 * next write drops the unused new key from the JWKS). If step 4 fails, the
 * document signed with the new key still verifies; the next write signs with
 * the old key again. Callers hold the nation's agreements lock.
 */
export async function rotateAgreementKey(
  keysDir: string,
  nation: string,
  resign: (key: AgreementKey) => Promise<void>,
): Promise<AgreementKey> {
  const privatePath = agreementPrivateKeyPath(keysDir, nation);
  await mkdir(folderOf(keysDir, nation), { recursive: true, mode: 0o700 });
  const created = await generateAgreementJwk();
  const key = await toAgreementKey(created, privatePath);
  await publishAlongside(keysDir, nation, key);
  await resign(key);
  await replaceAtomically(privatePath, jwkText(created), 0o600);
  await publishOnly(keysDir, nation, key);
  return key;
}
