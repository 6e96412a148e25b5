import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { JWK } from "jose";
import { ENVELOPE_TTL_SECONDS } from "../../lib/access-envelope.js";
import { createExclusively, readIfPresent, removeIfPresent, replaceAtomically } from "../../lib/atomic-files.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf, generateEnvelopeJwk } from "../../lib/envelope-key.js";
import { ed25519PublicJwks } from "../../lib/jwks-keys.js";

// Under the keys dir beside the dev IdP's <NATION>/ folders and agreements/; "gateway" can never be a nation code.
const folderOf = (keysDir: string) => join(keysDir, "gateway");

/** The gateway's private envelope key (JWK with kid, mode 0600): GATEWAY_ENVELOPE_KEY_FILE. */
export const gatewayPrivateKeyPath = (keysDir: string) => join(folderOf(keysDir), "private.jwk.json");

/** The next key during a rotation, trusted by the subgraphs but not yet signing (mode 0600). */
export const gatewayNextKeyPath = (keysDir: string) => join(folderOf(keysDir), "next.jwk.json");

/**
 * The gateway's public envelope JWKS: what every nation's subgraph trusts
 * (GATEWAY_KEYS). It names the current key only, except during a rotation,
 * when it names the current key and the next one.
 */
export const gatewayJwksPath = (keysDir: string) => join(folderOf(keysDir), "jwks.json");

/**
 * Every public key the gateway has had, retired ones too (public halves
 * only, never removed): a checkpoint of the audit trail signed before a
 * rotation must still verify after the key that signed it is retired, so
 * `npm run audit:verify` trusts this file beside the JWKS.
 */
export const gatewayArchivePath = (keysDir: string) => join(folderOf(keysDir), "archive.jwks.json");

/**
 * How long a rotation waits by default between its steps: a subgraph reading
 * the JWKS from a URL sees a new key within 60 s, and an envelope signed with
 * the old key is good for ENVELOPE_TTL_SECONDS; 5 s more for clocks and rechecks.
 */
export const DEFAULT_ROTATION_WAIT_MS = (ENVELOPE_TTL_SECONDS + 5) * 1000;

const jwksText = (keys: readonly JWK[]) => `${JSON.stringify({ keys }, null, 2)}\n`;
const jwkText = (jwk: JWK) => `${JSON.stringify(jwk, null, 2)}\n`;

function keyOf(text: string, path: string): EnvelopeSigningKey {
  try {
    return envelopeSigningKeyOf(text);
  } catch (error) {
    throw new Error(`${path} ${(error as Error).message}`);
  }
}

async function readKey(path: string): Promise<EnvelopeSigningKey | undefined> {
  const text = await readIfPresent(path);
  return text === undefined ? undefined : keyOf(text, path);
}

async function publishedKeys(keysDir: string): Promise<JWK[]> {
  const text = await readIfPresent(gatewayJwksPath(keysDir));
  if (text === undefined) return [];
  try {
    return [...ed25519PublicJwks(JSON.parse(text)).values()];
  } catch {
    return [];
  }
}

/** The archived public keys; an archive that cannot be read is an error, never replaced (it would lose retired keys). */
export async function archivedKeys(keysDir: string): Promise<JWK[]> {
  const path = gatewayArchivePath(keysDir);
  const text = await readIfPresent(path);
  if (text === undefined) return [];
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON: mend it by hand, it holds the keys of old audit checkpoints`);
  }
  if (!Array.isArray((jwks as { keys?: unknown } | null)?.keys))
    throw new Error(`${path} is not a JWKS: mend it by hand, it holds the keys of old audit checkpoints`);
  return [...ed25519PublicJwks(jwks).values()];
}

/** Adds to the archive those of `keys` it lacks, all at once. */
async function archive(keysDir: string, keys: readonly EnvelopeSigningKey[]): Promise<void> {
  const present = await archivedKeys(keysDir);
  const missing = keys.filter((key) => !present.some((jwk) => jwk.kid === key.kid));
  if (missing.length > 0)
    await replaceAtomically(gatewayArchivePath(keysDir), jwksText([...present, ...missing.map((key) => key.publicJwk)]), 0o644);
}

/** Rewrites the public JWKS as `keys`, unless it already says exactly that. */
async function publish(keysDir: string, keys: readonly JWK[]): Promise<void> {
  const wanted = jwksText(keys);
  if ((await readIfPresent(gatewayJwksPath(keysDir))) !== wanted) await replaceAtomically(gatewayJwksPath(keysDir), wanted, 0o644);
}

/**
 * Adds to the public JWKS those of `keys` it lacks, keeping every key already
 * there (and the file as it is if none). Archived first: no key signs
 * anything that is not in the archive.
 */
async function publishAlongside(keysDir: string, ...keys: EnvelopeSigningKey[]): Promise<void> {
  await archive(keysDir, keys);
  const present = await publishedKeys(keysDir);
  const missing = keys.filter((key) => !present.some((jwk) => jwk.kid === key.kid && jwk.x === key.publicJwk.x));
  if (missing.length > 0)
    await publish(keysDir, [
      ...present.filter((jwk) => !missing.some((key) => key.kid === jwk.kid)),
      ...missing.map((key) => key.publicJwk),
    ]);
}

/**
 * The gateway's envelope key: created on first use, then read from
 * `<keysDir>/gateway/private.jwk.json` every time after. Its public half is
 * added to the JWKS beside it if missing there; another key there (a rotation
 * under way) stays until that rotation retires it.
 */
export async function loadOrCreateGatewayKey(keysDir: string): Promise<EnvelopeSigningKey> {
  const path = gatewayPrivateKeyPath(keysDir);
  let key = await readKey(path);
  if (key === undefined) {
    await mkdir(folderOf(keysDir), { recursive: true, mode: 0o700 });
    await createExclusively(path, jwkText(generateEnvelopeJwk()), 0o600);
    key = await readKey(path);
    if (key === undefined) throw new Error(`${path} vanished while it was being created`);
  }
  await publishAlongside(keysDir, key);
  return key;
}

/** Rotation step 1: a next key, published beside the current one; the gateway does not sign with it yet. */
export async function addNextKey(keysDir: string): Promise<EnvelopeSigningKey> {
  const current = await loadOrCreateGatewayKey(keysDir);
  const path = gatewayNextKeyPath(keysDir);
  // A next key left by an interrupted rotation is used, not replaced: the subgraphs may already trust it.
  let next = await readKey(path);
  if (next === undefined) {
    await createExclusively(path, jwkText(generateEnvelopeJwk()), 0o600);
    next = await readKey(path);
    if (next === undefined) throw new Error(`${path} vanished while it was being created`);
  }
  await publishAlongside(keysDir, current, next);
  return next;
}

/** Rotation step 2: the gateway signs with the next key from its next recheck (within a second). */
export async function activateNextKey(keysDir: string): Promise<EnvelopeSigningKey> {
  const path = gatewayNextKeyPath(keysDir);
  const text = await readIfPresent(path);
  if (text === undefined) throw new Error("no next key: run the add step first");
  const next = keyOf(text, path);
  // Published again in case the JWKS was rewritten since: the gateway must never sign with a key no subgraph trusts.
  await publishAlongside(keysDir, next);
  await replaceAtomically(gatewayPrivateKeyPath(keysDir), text, 0o600);
  await removeIfPresent(gatewayNextKeyPath(keysDir));
  return next;
}

/** Rotation step 3: the JWKS names the current key alone; envelopes signed with any other are refused from then on. */
export async function retireOtherKeys(keysDir: string): Promise<EnvelopeSigningKey> {
  const current = await readKey(gatewayPrivateKeyPath(keysDir));
  if (current === undefined) throw new Error(`${gatewayPrivateKeyPath(keysDir)} does not exist`);
  if ((await readIfPresent(gatewayNextKeyPath(keysDir))) !== undefined) throw new Error("a next key is waiting: activate it first");
  await publish(keysDir, [current.publicJwk]);
  return current;
}
