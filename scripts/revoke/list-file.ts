import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { readIfPresent, replaceAtomically } from "../../lib/atomic-files.js";
import {
  MAX_REVOCATION_LIST_BYTES,
  type RevocationList,
  RevocationListRejected,
  signRevocationList,
  verifiedRevocationList,
} from "../../lib/revocation-list.js";
import { REVOCATIONS_FILE } from "../../subgraphs/shared/revocations-page.js";
import { keysFromFile } from "../agreement/document-file.js";
import { type AgreementKey, agreementPrivateKeyPath, loadOrCreateAgreementKey } from "../agreement/keys.js";
import { withAgreementLock } from "../agreement/lock.js";

/** A revocation list on disk that cannot be used (does not verify, too large) or cannot be signed (no key); exit 2. */
export class RevocationFileError extends Error {}

/** Where a nation's signed revocation list lives: in its data directory, which its subgraph serves at GET /revocations. */
export const revocationListPath = (dataRoot: string, nation: string) => join(dataRoot, nation, REVOCATIONS_FILE);

/** A nation's verified revocation list, the kid of the key that signed it, and its file. */
export interface SignedRevocations {
  list: RevocationList;
  kid: string;
  path: string;
}

/**
 * The nation's revocation list, verified with the nation's own public
 * agreement key set (any key it names: during a rotation, the old and the
 * new); undefined when it has none. One that does not verify throws a
 * RevocationFileError naming the file.
 */
export async function readRevocationList(dataRoot: string, keysDir: string, nation: string): Promise<SignedRevocations | undefined> {
  const path = revocationListPath(dataRoot, nation);
  const jws = (await readIfPresent(path))?.trim();
  if (jws === undefined) return undefined;
  try {
    const { list, kid } = await verifiedRevocationList(jws, nation, await keysFromFile(keysDir, nation));
    return { list, kid, path };
  } catch (error) {
    if (error instanceof RevocationListRejected)
      throw new RevocationFileError(`${path} is not ${nation}'s revocation list: ${error.message}`);
    throw error;
  }
}

/** Signs `list` with `key` and replaces the nation's file with it all at once; the nation's JWKS must name `key`. */
export async function writeRevocationList(dataRoot: string, list: RevocationList, key: AgreementKey): Promise<string> {
  const jws = await signRevocationList(list, key.privateKey, key.kid);
  if (Buffer.byteLength(jws) > MAX_REVOCATION_LIST_BYTES) {
    throw new RevocationFileError(`${list.nation}'s list would be larger than gateways read: rotate the issuer's key instead`);
  }
  const path = revocationListPath(dataRoot, list.nation);
  // 0700 as PostgreSQL wants its data directory: on PGlite, this folder is also the nation's database.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceAtomically(path, jws, 0o644);
  return path;
}

/** The nation's agreement key, which signs its revocation list too; never created here (npm start does). */
export async function signingKey(keysDir: string, nation: string): Promise<AgreementKey> {
  const path = agreementPrivateKeyPath(keysDir, nation);
  if ((await readIfPresent(path)) === undefined) {
    throw new RevocationFileError(
      `${nation} has no agreement key at ${path} to sign its revocation list (npm start creates it; check --keys-dir)`,
    );
  }
  return loadOrCreateAgreementKey(keysDir, nation);
}

/**
 * The issue time of the next list: now, but always after the list it
 * replaces (gateways refuse an older list as a rollback), even if the clock
 * went back or two commands ran within a millisecond.
 */
export const nextIssuedAt = (previous: RevocationList | undefined, now: number) => Math.max(now, (previous?.issuedAt ?? 0) + 1);

/**
 * Signs the nation's current list again with `key`, issued now: what a key
 * rotation does between publishing the new key and retiring the old one, so
 * that gateways never hold a list signed by a retired key (they would refuse
 * every token of the nation until a current one arrived). Nothing when the
 * nation has no list. Callers hold the nation's lock.
 */
export async function resignRevocationList(
  dataRoot: string,
  keysDir: string,
  nation: string,
  key: AgreementKey,
  now: number,
): Promise<void> {
  const current = await readRevocationList(dataRoot, keysDir, nation);
  if (current === undefined) return;
  await writeRevocationList(dataRoot, { ...current.list, issuedAt: nextIssuedAt(current.list, now) }, key);
}

export interface RevocationListsOptions {
  dataRoot: string;
  keysDir: string;
  nations: readonly string[];
  now?: number;
}

/**
 * Gives every nation that has no revocation list an empty one, signed with its
 * agreement key (after the default agreements made that key): a gateway
 * refuses every token of a nation whose list it cannot verify, so each nation
 * publishes one from the start. A list already there is verified and kept;
 * one that does not verify stops here, with the file named.
 */
export async function ensureRevocationLists(options: RevocationListsOptions): Promise<void> {
  const { dataRoot, keysDir } = options;
  for (const nation of options.nations) {
    if ((await readRevocationList(dataRoot, keysDir, nation)) !== undefined) continue;
    await withAgreementLock(dataRoot, nation, async () => {
      if ((await readRevocationList(dataRoot, keysDir, nation)) !== undefined) return;
      const list: RevocationList = { nation, issuedAt: options.now ?? Date.now(), revoked: new Map() };
      await writeRevocationList(dataRoot, list, await signingKey(keysDir, nation));
    });
  }
}
