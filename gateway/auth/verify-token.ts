import { CLASSIFICATIONS } from "@tearline/policy";
import { type CompactJWSHeaderParameters, decodeJwt, type JWTClaimVerificationOptions, type JWTPayload, UnsecuredJWT } from "jose";
import { z } from "zod";
import { isCanonicalCompactJws } from "./compact-token.js";
import { ACCESS_TOKEN_TYPE, type IssuerAlgorithm, normalisedType, type TrustedIssuer } from "./issuers.js";
import { signatureVerifies } from "./jws-signature.js";
import { IssuerKeySet, type KeySetOptions } from "./key-sets.js";
import type { Principal } from "./principal.js";

/** Everything a verified token says about its caller; the request adds the purpose. */
export type VerifiedToken = Omit<Principal, "purpose">;

/** A token that failed one of Tearline's own checks; the message is for the server log only. */
export class TokenRejected extends Error {}

export interface TokenVerifierOptions {
  issuers: readonly TrustedIssuer[];
  audience: string;
  /** Longest accepted exp - iat; a stolen token is useful for at most this long. Default 3600. */
  maxLifetimeSeconds?: number;
  /** Allowed clock difference with an issuer, for exp, nbf and iat. Default 30. */
  clockToleranceSeconds?: number;
  keySetOptions?: KeySetOptions;
  /** The current time in milliseconds; tests move it. Default Date.now. */
  now?: () => number;
}

const REQUIRED_CLAIMS = ["sub", "aud", "exp", "iat", "jti"];

const tokenClaims = z.object({
  iss: z.string(),
  sub: z.string().min(1),
  jti: z.string().min(1),
  iat: z.number(),
  exp: z.number(),
  clearance: z.enum(CLASSIFICATIONS),
  compartments: z.array(z.string().min(1)).default([]),
  purposes: z.array(z.string().min(1)).min(1),
  scope: z.string().default(""),
});

interface IssuerVerifier {
  entry: TrustedIssuer;
  keys: IssuerKeySet;
  /** The normalised typ values its access tokens may carry. */
  types: ReadonlySet<string>;
  algorithms: ReadonlySet<string>;
  claims: JWTClaimVerificationOptions;
}

/** A verified token, with the generation of its issuer's key set that verified it. */
export interface VerifiedWith {
  token: VerifiedToken;
  generation: number;
}

/** Verifies tokens, and tells whether an issuer's key set has changed since one was verified. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedWith>;
  /** The current generation of the issuer's key set (read again when due); throws when it cannot be read. */
  generation(issuer: string): Promise<number>;
}

/** The issuer a token names, before anything about it is trusted: it only picks which keys to try. */
function claimedIssuer(token: string): string | undefined {
  const { iss } = decodeJwt(token);
  return typeof iss === "string" ? iss : undefined;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** jose's UnsecuredJWT reads a payload only under this header; the signature was checked before (jws-signature.ts). */
const UNSECURED_HEADER = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");

/** A token's protected header, as jose's verify reads it: JSON in UTF-8, an allowed alg, no extensions it must understand. */
function protectedHeader(
  encoded: string,
  algorithms: ReadonlySet<string>,
): CompactJWSHeaderParameters & { alg: IssuerAlgorithm; typ?: unknown } {
  let header: unknown;
  try {
    // Strict UTF-8, as jose decodes: bytes that are not UTF-8 are refused, never read as replacement characters.
    header = JSON.parse(STRICT_UTF8.decode(Buffer.from(encoded, "base64url")));
  } catch {
    throw new TokenRejected("the header is not JSON in UTF-8");
  }
  // Whatever JSON is not an object naming an allowed alg (null, a list, a string) fails the alg check below.
  const { alg, crit } = (header ?? {}) as Record<string, unknown>;
  // No extension is understood here (not even b64: a JWT's payload is always encoded), so none may be critical.
  if (crit !== undefined) throw new TokenRejected("the header names critical extensions");
  if (typeof alg !== "string" || !algorithms.has(alg)) throw new TokenRejected("alg is not one the issuer is trusted for");
  return header as CompactJWSHeaderParameters & { alg: IssuerAlgorithm };
}

// Claims that only ID tokens carry (OpenID Connect Core 2, 3.1.3.6, 3.3.2.11): an access token never does.
const ID_TOKEN_ONLY_CLAIMS = ["nonce", "at_hash", "c_hash", "s_hash"];
// auth_time is an ID token's, but RFC 9068 2.2.1 lets an at+jwt carry it too: it tells only under a generic typ.
const ID_TOKEN_CLAIMS_UNLESS_AT_JWT = ["auth_time"];

/**
 * Refuses a token whose header does not say it is one of the issuer's access
 * tokens (RFC 8725 3.11, RFC 9068 2.1): no typ, or another (logout+jwt,
 * id_token+jwt, dpop+jwt, an agreements document), and one shaped as an ID
 * token, which an issuer signs with the same keys and a client could replay.
 */
function checkTokenKind(typ: unknown, payload: JWTPayload, types: ReadonlySet<string>): void {
  const kind = typeof typ === "string" ? normalisedType(typ) : undefined;
  if (kind === undefined || !types.has(kind)) throw new TokenRejected(`typ ${kind ?? "(none)"} is not an access token's`);
  const idTokenClaims = kind === ACCESS_TOKEN_TYPE ? ID_TOKEN_ONLY_CLAIMS : [...ID_TOKEN_ONLY_CLAIMS, ...ID_TOKEN_CLAIMS_UNLESS_AT_JWT];
  const found = idTokenClaims.filter((claim) => claim in payload);
  if (found.length > 0) throw new TokenRejected(`ID token claims (${found.join(", ")}) in an access token`);
}

/**
 * Makes the verifier that turns a bearer token into what it proves, or throws.
 * Each issuer's keys and checks are set up here once, not per request. A
 * token is checked only against the keys of the issuer it names, so one
 * nation's key can never vouch for another nation's callers.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const maxLifetime = options.maxLifetimeSeconds ?? 3600;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const now = options.now ?? Date.now;
  const verifiers = new Map<string, IssuerVerifier>(
    options.issuers.map((entry) => [
      entry.issuer,
      {
        entry,
        keys: new IssuerKeySet(entry.jwks, options.keySetOptions, now),
        types: new Set((entry.tokenTypes ?? [ACCESS_TOKEN_TYPE]).map(normalisedType)),
        algorithms: new Set(entry.algorithms),
        claims: { issuer: entry.issuer, audience: options.audience, requiredClaims: REQUIRED_CLAIMS, clockTolerance: tolerance },
      },
    ]),
  );

  async function verify(token: string): Promise<VerifiedWith> {
    if (!isCanonicalCompactJws(token)) throw new TokenRejected("not a compact JWS in canonical base64url");
    const iss = claimedIssuer(token);
    const verifier = iss === undefined ? undefined : verifiers.get(iss);
    if (verifier === undefined) throw new TokenRejected("issuer is not trusted");
    const [encodedHeader, encodedPayload, signature] = token.split(".") as [string, string, string];
    const header = protectedHeader(encodedHeader, verifier.algorithms);
    const found = await verifier.keys.find(header, { protected: encodedHeader, payload: encodedPayload, signature });
    if (!signatureVerifies(header.alg, found.key, `${encodedHeader}.${encodedPayload}`, signature))
      throw new TokenRejected("signature verification failed");
    // The signature holds: jose checks the claims (iss, aud, exp, nbf, required claims) as jwtVerify would.
    const nowMs = now();
    const { payload } = UnsecuredJWT.decode(`${UNSECURED_HEADER}.${encodedPayload}.`, { ...verifier.claims, currentDate: new Date(nowMs) });
    checkTokenKind(header.typ, payload, verifier.types);

    const parsed = tokenClaims.safeParse(payload);
    if (!parsed.success) {
      throw new TokenRejected(`malformed claims: ${[...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].join(", ")}`);
    }
    const claims = parsed.data;
    // jose checks iat only together with maxTokenAge; a token from the future means a broken or forged issuer.
    if (claims.iat > nowMs / 1000 + tolerance) throw new TokenRejected("iat is in the future");
    if (claims.exp - claims.iat > maxLifetime) throw new TokenRejected(`lifetime exceeds ${maxLifetime} s`);

    return {
      generation: found.generation,
      token: {
        sub: claims.sub,
        nation: verifier.entry.nation,
        issuer: claims.iss,
        tokenId: claims.jti,
        clearance: claims.clearance,
        compartments: new Set(claims.compartments),
        purposes: new Set(claims.purposes),
        scopes: new Set(claims.scope.split(" ").filter((scope) => scope !== "")),
        expiresAt: claims.exp,
      },
    };
  }

  return {
    verify,
    async generation(issuer) {
      const verifier = verifiers.get(issuer);
      if (verifier === undefined) throw new TokenRejected("issuer is not trusted");
      return verifier.keys.generation();
    },
  };
}
