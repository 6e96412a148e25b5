import { errors } from "jose";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";
import type { CacheCounts } from "../../lib/metrics.js";
import type { Principal } from "./principal.js";
import { VerifiedTokenCache } from "./token-cache.js";
import { createTokenVerifier, TokenRejected, type TokenVerifierOptions, type VerifiedToken } from "./verify-token.js";

/**
 * The one answer to every bad token. Which check failed would tell an attacker
 * what to try next, so that goes to the server log instead.
 */
export const UNAUTHENTICATED_MESSAGE = "Authentication required: a valid bearer token is missing";

/** The request headers identity is built from, as Node names them. */
export interface AuthHeaders {
  authorization?: string;
  "x-purpose"?: string | string[];
}

export type Authenticate = (headers: AuthHeaders) => Promise<Principal>;

/** An Authenticate that also tells how its verified-token cache has done. */
export type Authenticator = Authenticate & { readonly tokenCache: CacheCounts };

export interface AuthenticatorOptions extends TokenVerifierOptions {
  /** Most verified tokens remembered at once. Default 10,000. */
  tokenCacheSize?: number;
  /** Default: the auth log, sampled so that a flood of bad tokens is a few lines and counts. */
  refusals?: RefusalLog;
}

/** Longer than any token a trusted issuer produces; refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;
// RFC 6750 b64token; the auth scheme is case-insensitive (RFC 9110).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const unauthenticated = () => new HttpError(401, ErrorCode.Unauthenticated, UNAUTHENTICATED_MESSAGE);

/** Where refusal reasons go: the server log, never the client. */
export interface RefusalLog {
  note(reason: string): void;
}

// A flood of bad tokens must not flood the log: the first refusal of each kind per interval, then a count.
const defaultRefusals: RefusalLog = new SampledLog(logger("auth"), "request refused with 401");

function refusalReason(error: unknown): string {
  if (error instanceof TokenRejected) return error.message;
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Why a request is refused with 401; the reason goes to the log, the client gets the one answer. */
class Refusal extends Error {}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === "") throw new Refusal("no Authorization header");
  if (authorization.length > MAX_TOKEN_LENGTH) throw new Refusal("Authorization header is too long");
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw new Refusal("Authorization header is not a Bearer token");
  return token;
}

function declaredPurpose(header: AuthHeaders["x-purpose"], authorised: ReadonlySet<string>): string {
  const purpose = (Array.isArray(header) ? header.join(", ") : header)?.trim();
  if (!purpose) throw new HttpError(400, ErrorCode.PurposeRequired, "Declare the purpose of use in the X-Purpose header");
  if (!authorised.has(purpose)) {
    throw new HttpError(403, ErrorCode.PurposeNotAuthorised, "Your token does not authorise the purpose declared in X-Purpose");
  }
  return purpose;
}

/**
 * Makes the identity step of every request: a verified bearer token and a
 * declared purpose of use become a Principal, or the request is refused with
 * an HttpError (401 for any token problem, then 400/403 for the purpose).
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const now = options.now ?? Date.now;
  const verify = createTokenVerifier({ ...options, now });
  // Holds what the token proves, never the purpose: that is declared anew by every request.
  const cache = new VerifiedTokenCache<VerifiedToken>(options.tokenCacheSize);

  async function verified(token: string): Promise<VerifiedToken> {
    const cached = cache.get(token, now() / 1000);
    if (cached !== undefined) return cached;
    let result: VerifiedToken;
    try {
      result = await verify(token);
    } catch (error) {
      throw new Refusal(refusalReason(error));
    }
    cache.set(token, result, result.expiresAt);
    return result;
  }

  const refusals = options.refusals ?? defaultRefusals;
  const authenticate: Authenticate = async (headers) => {
    let token: VerifiedToken;
    try {
      token = await verified(bearerToken(headers.authorization));
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // The reason only, never the token or its claims: logs travel further than tokens should.
      refusals.note(error.message);
      throw unauthenticated();
    }
    return { ...token, purpose: declaredPurpose(headers["x-purpose"], token.purposes) };
  };
  return Object.assign(authenticate, { tokenCache: cache });
}
