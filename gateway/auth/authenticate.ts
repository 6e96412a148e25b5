import { errors } from "jose";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";
import { SampledLog } from "../../lib/log-sampler.js";
import { logger } from "../../lib/logger.js";
import type { CacheCounts } from "../../lib/metrics.js";
import { isCanonicalCompactJws } from "./compact-token.js";
import type { Principal } from "./principal.js";
import { VerifiedTokenCache } from "./token-cache.js";
import { createTokenVerifier, TokenRejected, type TokenVerifierOptions, type VerifiedToken, type VerifiedWith } from "./verify-token.js";

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

/**
 * The same headers with every occurrence (`req.headersDistinct`): Node keeps
 * only the first Authorization header in `req.headers`, and joins X-Purposes.
 */
export interface DistinctAuthHeaders {
  authorization?: string | readonly string[];
  "x-purpose"?: string | readonly string[];
}

export type Authenticate = (headers: AuthHeaders | DistinctAuthHeaders) => Promise<Principal>;

/** The token alone, verified, with no purpose declared: for what is not a GraphQL request (the oversight view); two headers are refused. */
export type Identify = (authorization: DistinctAuthHeaders["authorization"]) => Promise<VerifiedToken>;

/** An Authenticate that also tells how its verified-token cache has done, and identifies without a purpose. */
export type Authenticator = Authenticate & { readonly tokenCache: CacheCounts; readonly identify: Identify };

export interface AuthenticatorOptions extends TokenVerifierOptions {
  /** Most verified tokens remembered at once. Default 10,000. */
  tokenCacheSize?: number;
  /** Default: the auth log, sampled so that a flood of bad tokens is a few lines and counts. */
  refusals?: RefusalLog;
  /**
   * Why a verified token may no longer be used (its jti revoked, its nation's revocation list not verified), or
   * undefined; asked on every request, cached tokens too. Default: nothing is revoked.
   */
  revoked?(token: VerifiedToken): string | undefined;
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

/**
 * The one value of a header. Two are refused with 400: which of them a proxy,
 * a log and the gateway would each read is anyone's guess (Node itself keeps
 * the first Authorization and joins the X-Purposes).
 */
function single(value: string | readonly string[] | undefined, name: string): string | undefined {
  if (typeof value === "string") return value;
  if (value !== undefined && value.length > 1) throw new HttpError(400, ErrorCode.DuplicateHeader, `Send one ${name} header, not several`);
  return value?.[0];
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === "") throw new Refusal("no Authorization header");
  if (authorization.length > MAX_TOKEN_LENGTH) throw new Refusal("Authorization header is too long");
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw new Refusal("Authorization header is not a Bearer token");
  // Before any decoding: one spelling per token, so that the cache keyed on the text holds each token once.
  if (!isCanonicalCompactJws(token)) throw new Refusal("token is not a compact JWS in canonical base64url");
  return token;
}

function declaredPurpose(header: string | undefined, authorised: ReadonlySet<string>): string {
  const purpose = header?.trim();
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
  const verifier = createTokenVerifier({ ...options, now });
  // Holds what the token proves and the generation of the key set that verified it, never the purpose: that is
  // declared anew by every request.
  const cache = new VerifiedTokenCache<VerifiedWith>(options.tokenCacheSize);

  /** Whether the issuer's key set, read again when due, is still the one that verified a cached token. */
  async function keysUnchanged(cached: VerifiedWith): Promise<boolean> {
    try {
      return (await verifier.generation(cached.token.issuer)) === cached.generation;
    } catch (error) {
      // Keys that are stale and cannot be read vouch for nothing, cached or not (fail closed).
      throw new Refusal(refusalReason(error));
    }
  }

  async function verified(token: string): Promise<VerifiedToken> {
    const cached = cache.get(token, now() / 1000);
    // A changed key set may have withdrawn the key: the token is verified again (a kept key passes once more).
    if (cached !== undefined && (await keysUnchanged(cached))) return cached.token;
    let result: VerifiedWith;
    try {
      result = await verifier.verify(token);
    } catch (error) {
      throw new Refusal(refusalReason(error));
    }
    cache.set(token, result, result.token.expiresAt);
    return result.token;
  }

  const refusals = options.refusals ?? defaultRefusals;
  const identify = async (authorization: DistinctAuthHeaders["authorization"]): Promise<VerifiedToken> => {
    const header = single(authorization, "Authorization");
    try {
      const token = await verified(bearerToken(header));
      // Not cached with the token: a revocation counts from the next poll of the list, whatever the cache holds.
      const revoked = options.revoked?.(token);
      if (revoked !== undefined) throw new Refusal(revoked);
      return token;
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // The reason only, never the token or its claims: logs travel further than tokens should.
      refusals.note(error.message);
      throw unauthenticated();
    }
  };
  const authenticate: Authenticate = async (headers) => {
    const purpose = single(headers["x-purpose"], "X-Purpose");
    const token = await identify(headers.authorization);
    return { ...token, purpose: declaredPurpose(purpose, token.purposes) };
  };
  return Object.assign(authenticate, { tokenCache: cache, identify });
}
