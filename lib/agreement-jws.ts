import { type AgreementDocument, agreementDocumentJson, PolicyDocumentError, parseAgreementDocument } from "@tearline/policy";
import { CompactSign, type CryptoKey, compactVerify, decodeProtectedHeader, type JWK, type KeyObject } from "jose";
import { ed25519PublicJwks } from "./jwks-keys.js";

/**
 * The media type of a signed agreements document. Access tokens carry another
 * (JWT, at+jwt): each verifier requires its own, so that neither kind of
 * document can be passed off as the other even if keys were mixed up.
 */
export const AGREEMENT_TYP = "tearline-agreements+jws";

/** Agreement keys are Ed25519: small, fast, deterministic signatures. */
export const AGREEMENT_ALGORITHM = "EdDSA";

/** A signed document that is not acceptable; the message names the problem, never the document's contents. */
export class AgreementRejected extends Error {}

type VerificationKey = CryptoKey | KeyObject | Uint8Array;

/** Signs a document with a nation's agreement key. */
export async function signAgreementDocument(document: AgreementDocument, privateKey: VerificationKey, kid: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(agreementDocumentJson(document)));
  return new CompactSign(payload).setProtectedHeader({ alg: AGREEMENT_ALGORITHM, typ: AGREEMENT_TYP, kid }).sign(privateKey);
}

/**
 * Verifies a signed agreements document for `nation` against that nation's
 * agreement keys (by kid) and reads it. Refuses another media type, another
 * algorithm, an unknown kid, a bad signature, a document for another nation
 * and a malformed payload.
 */
export async function verifyAgreementDocument(
  jws: string,
  nation: string,
  keyFor: (kid: string) => Promise<VerificationKey | undefined>,
): Promise<AgreementDocument> {
  return (await verifiedAgreement(jws, nation, keyFor)).document;
}

/** As verifyAgreementDocument, with the id of the key that signed it: a document stays in force only while that key is trusted. */
export async function verifiedAgreement(
  jws: string,
  nation: string,
  keyFor: (kid: string) => Promise<VerificationKey | undefined>,
): Promise<{ document: AgreementDocument; kid: string }> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new AgreementRejected("not a compact JWS");
  }
  if (header.typ !== AGREEMENT_TYP) throw new AgreementRejected("not an agreements document (typ)");
  if (header.alg !== AGREEMENT_ALGORITHM) throw new AgreementRejected("unexpected signature algorithm");
  if (typeof header.kid !== "string") throw new AgreementRejected("no key id");
  const key = await keyFor(header.kid);
  if (key === undefined) throw new AgreementRejected("signed by a key that is not the nation's agreement key");
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws, key, { algorithms: [AGREEMENT_ALGORITHM] }));
  } catch {
    throw new AgreementRejected("signature does not verify");
  }
  let document: AgreementDocument;
  try {
    document = parseAgreementDocument(JSON.parse(new TextDecoder().decode(payload)));
  } catch (error) {
    throw new AgreementRejected(error instanceof PolicyDocumentError ? error.message : "payload is not JSON");
  }
  if (document.nation !== nation) throw new AgreementRejected("document is for another nation");
  return { document, kid: header.kid };
}

/** A JWKS's keys usable for agreements, by kid: Ed25519 public keys only. */
export const agreementKeysOf = (jwks: unknown): Map<string, JWK> => ed25519PublicJwks(jwks);
