import { randomUUID } from "node:crypto";
import type { Classification } from "@tearline/policy";
import { SignJWT } from "jose";
import { DEV_AUDIENCE, devIssuerId } from "./issuer-id.js";
import { DEFAULT_KEYS_DIR, DEV_KEY_ALGORITHM, loadOrCreateNationKey } from "./keys.js";

export interface DevTokenRequest {
  /** Default: <repo>/.keys */
  keysDir?: string;
  nation: string;
  clearance: Classification;
  purposes: readonly string[];
  compartments?: readonly string[];
  /** Space-delimited OAuth scopes. */
  scope?: string;
  ttlSeconds: number;
  /** Default: analyst@<nation in lower case> */
  subject?: string;
  /** Default: DEV_AUDIENCE */
  audience?: string;
}

/** A token from the nation's development IdP, signed with the key it serves, as a compact JWS. */
export async function signDevToken(request: DevTokenRequest): Promise<string> {
  const { privateKey, publicJwk } = await loadOrCreateNationKey(request.keysDir ?? DEFAULT_KEYS_DIR, request.nation);
  const issuedAt = Math.floor(Date.now() / 1000);
  // An access token says so (typ at+jwt, RFC 9068): the gateway refuses any other kind of JWT signed with these keys.
  return new SignJWT({
    clearance: request.clearance,
    purposes: [...request.purposes],
    compartments: [...(request.compartments ?? [])],
    scope: request.scope ?? "",
  })
    .setProtectedHeader({ alg: DEV_KEY_ALGORITHM, kid: publicJwk.kid, typ: "at+jwt" })
    .setIssuer(devIssuerId(request.nation))
    .setAudience(request.audience ?? DEV_AUDIENCE)
    .setSubject(request.subject ?? `analyst@${request.nation.toLowerCase()}`)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
}
