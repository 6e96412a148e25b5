import { CLASSIFICATIONS } from "@tearline/policy";
import { decodeJwt, type JWTVerifyOptions, jwtVerify } from "jose";
import { z } from "zod";
import type { TrustedIssuer } from "./issuers.js";
import { createKeyResolver, type KeyResolver, type KeySetOptions } from "./key-sets.js";
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
  keys: KeyResolver;
  options: JWTVerifyOptions;
}

/** The issuer a token names, before anything about it is trusted: it only picks which keys to try. */
function claimedIssuer(token: string): string | undefined {
  const { iss } = decodeJwt(token);
  return typeof iss === "string" ? iss : undefined;
}

/** The media types an access token may declare (RFC 7519 JWT, RFC 9068 at+jwt), with or without "application/". */
const ACCESS_TOKEN_TYPES = new Set(["jwt", "at+jwt"]);

function isAccessTokenType(typ: string | undefined): boolean {
  return typ === undefined || ACCESS_TOKEN_TYPES.has(typ.toLowerCase().replace(/^application\//, ""));
}

/**
 * Makes the function that turns a bearer token into what it proves, or throws.
 * Each issuer's keys and checks are set up here once, not per request. A
 * token is checked only against the keys of the issuer it names, so one
 * nation's key can never vouch for another nation's callers.
 */
export function createTokenVerifier(options: TokenVerifierOptions): (token: string) => Promise<VerifiedToken> {
  const maxLifetime = options.maxLifetimeSeconds ?? 3600;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const now = options.now ?? Date.now;
  const verifiers = new Map<string, IssuerVerifier>(
    options.issuers.map((entry) => [
      entry.issuer,
      {
        entry,
        keys: createKeyResolver(entry.jwks, options.keySetOptions),
        options: {
          issuer: entry.issuer,
          audience: options.audience,
          algorithms: entry.algorithms,
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: tolerance,
        },
      },
    ]),
  );

  return async (token) => {
    const iss = claimedIssuer(token);
    const verifier = iss === undefined ? undefined : verifiers.get(iss);
    if (verifier === undefined) throw new TokenRejected("issuer is not trusted");
    const nowMs = now();
    const { payload, protectedHeader } = await jwtVerify(token, verifier.keys, { ...verifier.options, currentDate: new Date(nowMs) });
    // An access token says it is one, or says nothing (RFC 8725 3.11): never an agreements document or another kind of JWT.
    if (!isAccessTokenType(protectedHeader.typ)) throw new TokenRejected("typ is not an access token's");

    const parsed = tokenClaims.safeParse(payload);
    if (!parsed.success) {
      throw new TokenRejected(`malformed claims: ${[...new Set(parsed.error.issues.map((issue) => issue.path.join(".")))].join(", ")}`);
    }
    const claims = parsed.data;
    // jose checks iat only together with maxTokenAge; a token from the future means a broken or forged issuer.
    if (claims.iat > nowMs / 1000 + tolerance) throw new TokenRejected("iat is in the future");
    if (claims.exp - claims.iat > maxLifetime) throw new TokenRejected(`lifetime exceeds ${maxLifetime} s`);

    return {
      sub: claims.sub,
      nation: verifier.entry.nation,
      issuer: claims.iss,
      tokenId: claims.jti,
      clearance: claims.clearance,
      compartments: new Set(claims.compartments),
      purposes: new Set(claims.purposes),
      scopes: new Set(claims.scope.split(" ").filter((scope) => scope !== "")),
      expiresAt: claims.exp,
    };
  };
}
