import { CompactSign, type CryptoKey, compactVerify, decodeProtectedHeader, type KeyObject } from "jose";

/**
 * What a nation publishes for gateways to read (its sharing agreements, its
 * revoked tokens) is a compact JWS signed with the nation's agreement key:
 * Ed25519, with a media type of its own per kind of document, so that no kind
 * can be passed off as another (nor as an access token) even if keys were mixed up.
 */
export const NATION_DOCUMENT_ALGORITHM = "EdDSA";

export type VerificationKey = CryptoKey | KeyObject | Uint8Array;
/** The nation's public key by kid; undefined when the nation has no such key. */
export type KeyFor = (kid: string) => Promise<VerificationKey | undefined>;

/** Signs `payload` (serialised as JSON) as a document of media type `typ`. */
export async function signNationDocument(payload: unknown, typ: string, privateKey: VerificationKey, kid: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: NATION_DOCUMENT_ALGORITHM, typ, kid })
    .sign(privateKey);
}

export interface NationDocumentCheck {
  typ: string;
  /** What the document is, for the refusal of another typ: "an agreements document". */
  what: string;
  keyFor: KeyFor;
  /** The error a refusal throws; its message names the problem, never the document's contents. */
  rejected: (message: string) => Error;
}

/**
 * Verifies a nation's signed document: its media type, the algorithm, a key
 * id the nation's key set names, the signature. Returns the payload parsed as
 * JSON (for the caller to read strictly) and the id of the key that signed it.
 */
export async function verifyNationDocument(jws: string, check: NationDocumentCheck): Promise<{ payload: unknown; kid: string }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw check.rejected("not a compact JWS");
  }
  if (header.typ !== check.typ) throw check.rejected(`not ${check.what} (typ)`);
  if (header.alg !== NATION_DOCUMENT_ALGORITHM) throw check.rejected("unexpected signature algorithm");
  if (typeof header.kid !== "string") throw check.rejected("no key id");
  const key = await check.keyFor(header.kid);
  if (key === undefined) throw check.rejected("signed by a key that is not the nation's agreement key");
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(jws, key, { algorithms: [NATION_DOCUMENT_ALGORITHM] }));
  } catch {
    throw check.rejected("signature does not verify");
  }
  try {
    return { payload: JSON.parse(new TextDecoder().decode(bytes)), kid: header.kid };
  } catch {
    throw check.rejected("payload is not JSON");
  }
}
