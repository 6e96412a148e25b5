import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { createExclusively } from "../../lib/atomic-files.js";

/** Where development signing keys live unless KEYS_DIR says otherwise; git ignores it. */
export const DEFAULT_KEYS_DIR = fileURLToPath(new URL("../../.keys", import.meta.url));

export const DEV_KEY_ALGORITHM = "ES256";

export interface NationKey {
  privateKey: CryptoKey;
  /** The public half as served in the nation's JWKS, with kid, alg and use. */
  publicJwk: JWK;
}

const publicPart = ({ d: _private, ...publicJwk }: JWK): JWK => publicJwk;

async function readJwk(path: string): Promise<JWK | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function generateNationJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(DEV_KEY_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(publicPart(jwk)), alg: DEV_KEY_ALGORITHM, use: "sig" };
}

/**
 * The nation's development signing key: created on first use, then read from
 * `<keysDir>/<NATION>/private.jwk.json` (mode 0600) every time after, so its
 * kid is stable across restarts and tokens outlive the IdP process.
 */
export async function loadOrCreateNationKey(keysDir: string, nation: string): Promise<NationKey> {
  const folder = join(keysDir, nation);
  const privatePath = join(folder, "private.jwk.json");
  let privateJwk = await readJwk(privatePath);
  if (privateJwk === undefined) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const created = await generateNationJwk();
    privateJwk = (await createExclusively(privatePath, `${JSON.stringify(created, null, 2)}\n`, 0o600))
      ? created
      : await readJwk(privatePath);
    if (privateJwk === undefined) throw new Error(`${privatePath} vanished while it was being created`);
  }
  const publicJwk = publicPart(privateJwk);
  const publicPath = join(folder, "public.jwk.json");
  if ((await readJwk(publicPath)) === undefined) await createExclusively(publicPath, `${JSON.stringify(publicJwk, null, 2)}\n`, 0o644);

  const privateKey = await importJWK(privateJwk, DEV_KEY_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new Error(`${privatePath} does not hold an ${DEV_KEY_ALGORITHM} private key`);
  return { privateKey, publicJwk };
}
