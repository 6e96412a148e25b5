import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgreementDocument } from "@tearline/policy";
import { decodeProtectedHeader, importJWK } from "jose";
import { AgreementRejected, agreementKeysOf, signAgreementDocument, verifyAgreementDocument } from "../../lib/agreement-jws.js";
import { readIfPresent, replaceAtomically } from "../../lib/atomic-files.js";
import { AGREEMENTS_FILE } from "../../subgraphs/shared/agreements-page.js";
import { type AgreementKey, agreementJwksPath, loadOrCreateAgreementKey, publishOnly } from "./keys.js";

/** The folder of every nation's data directory, `<root>/<NATION>`, as each subgraph's own default DATA_DIR. */
export const DEFAULT_DATA_ROOT = fileURLToPath(new URL("../../.data", import.meta.url));

/** A document on disk that is not the nation's own signed agreements: malformed, or not signed with its agreement key. */
export class AgreementFileError extends Error {}

/** Where a nation's signed agreements live: in its data directory, which its subgraph serves at GET /agreements. */
export const agreementDocumentPath = (dataRoot: string, nation: string) => join(dataRoot, nation, AGREEMENTS_FILE);

/** The nation's public agreement keys, read from its own JWKS file, by kid. */
export async function keysFromFile(keysDir: string, nation: string) {
  const path = agreementJwksPath(keysDir, nation);
  const text = await readIfPresent(path);
  if (text === undefined) throw new AgreementFileError(`${nation} has no agreement key set at ${path}`);
  let keys: ReturnType<typeof agreementKeysOf>;
  try {
    keys = agreementKeysOf(JSON.parse(text));
  } catch {
    throw new AgreementFileError(`${path} is not JSON`);
  }
  return async (kid: string) => {
    const jwk = keys.get(kid);
    return jwk && importJWK(jwk, "EdDSA");
  };
}

/** A nation's verified document, the kid of the key that signed it, and the file it came from. */
export interface SignedAgreements {
  document: AgreementDocument;
  kid: string;
  path: string;
}

/**
 * The nation's signed agreements, verified with the nation's own public
 * agreement key set: any key it names (during a rotation, or after one that
 * was interrupted, it names the old key and the new one); undefined when it
 * has published none. A file that is malformed or does not verify throws an
 * AgreementFileError naming the file.
 */
export async function readSignedAgreements(dataRoot: string, keysDir: string, nation: string): Promise<SignedAgreements | undefined> {
  const path = agreementDocumentPath(dataRoot, nation);
  const jws = (await readIfPresent(path))?.trim();
  if (jws === undefined) return undefined;
  const keyFor = await keysFromFile(keysDir, nation);
  try {
    const document = await verifyAgreementDocument(jws, nation, keyFor);
    return { document, kid: decodeProtectedHeader(jws).kid!, path };
  } catch (error) {
    if (error instanceof AgreementRejected) throw new AgreementFileError(`${path} is not ${nation}'s signed agreements: ${error.message}`);
    throw error;
  }
}

/** The nation's verified document, as readSignedAgreements reads it; undefined when it has published none. */
export async function readAgreementDocument(dataRoot: string, keysDir: string, nation: string): Promise<AgreementDocument | undefined> {
  return (await readSignedAgreements(dataRoot, keysDir, nation))?.document;
}

/**
 * Signs `document` with `key` and replaces the nation's file with it all at
 * once. The nation's JWKS must already name `key`. Returns the file's path.
 */
export async function writeSignedDocument(dataRoot: string, document: AgreementDocument, key: AgreementKey): Promise<string> {
  const jws = await signAgreementDocument(document, key.privateKey, key.kid);
  const path = agreementDocumentPath(dataRoot, document.nation);
  // 0700 as PostgreSQL wants its data directory: on PGlite, this folder is also the nation's database.
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await replaceAtomically(path, jws, 0o644);
  return path;
}

/**
 * Signs `document` with its nation's agreement key (created on first use) and
 * replaces the nation's file with it all at once; only then does the JWKS drop
 * any other key (one left by an interrupted rotation), so that the document
 * on disk verifies at every step. Returns the file's path.
 */
export async function writeAgreementDocument(dataRoot: string, keysDir: string, document: AgreementDocument): Promise<string> {
  const key = await loadOrCreateAgreementKey(keysDir, document.nation);
  const path = await writeSignedDocument(dataRoot, document, key);
  await publishOnly(keysDir, document.nation, key);
  return path;
}
