import { type AgreementDocument, agreementDocumentJson, PolicyDocumentError, parseAgreementDocument } from "@tearline/policy";
import type { JWK } from "jose";
import { ed25519PublicJwks } from "./jwks-keys.js";
import { type KeyFor, NATION_DOCUMENT_ALGORITHM, signNationDocument, type VerificationKey, verifyNationDocument } from "./nation-jws.js";

/**
 * The media type of a signed agreements document. Access tokens carry another
 * (at+jwt): each verifier requires its own, so that neither kind of
 * document can be passed off as the other even if keys were mixed up.
 */
export const AGREEMENT_TYP = "tearline-agreements+jws";

/** Agreement keys are Ed25519: small, fast, deterministic signatures. */
export const AGREEMENT_ALGORITHM = NATION_DOCUMENT_ALGORITHM;

/** A signed document that is not acceptable; the message names the problem, never the document's contents. */
export class AgreementRejected extends Error {}

/** Signs a document with a nation's agreement key. */
export async function signAgreementDocument(document: AgreementDocument, privateKey: VerificationKey, kid: string): Promise<string> {
  return signNationDocument(agreementDocumentJson(document), AGREEMENT_TYP, privateKey, kid);
}

/**
 * Verifies a signed agreements document for `nation` against that nation's
 * agreement keys (by kid) and reads it. Refuses another media type, another
 * algorithm, an unknown kid, a bad signature, a document for another nation
 * and a malformed payload.
 */
export async function verifyAgreementDocument(jws: string, nation: string, keyFor: KeyFor): Promise<AgreementDocument> {
  return (await verifiedAgreement(jws, nation, keyFor)).document;
}

/** As verifyAgreementDocument, with the id of the key that signed it: a document stays in force only while that key is trusted. */
export async function verifiedAgreement(
  jws: string,
  nation: string,
  keyFor: KeyFor,
): Promise<{ document: AgreementDocument; kid: string }> {
  const { payload, kid } = await verifyNationDocument(jws, {
    typ: AGREEMENT_TYP,
    what: "an agreements document",
    keyFor,
    rejected: (message) => new AgreementRejected(message),
  });
  let document: AgreementDocument;
  try {
    document = parseAgreementDocument(payload);
  } catch (error) {
    throw new AgreementRejected(error instanceof PolicyDocumentError ? error.message : "payload is not JSON");
  }
  if (document.nation !== nation) throw new AgreementRejected("document is for another nation");
  return { document, kid };
}

/** A JWKS's keys usable for agreements, by kid: Ed25519 public keys only. */
export const agreementKeysOf = (jwks: unknown): Map<string, JWK> => ed25519PublicJwks(jwks);
