import { createHash, type Hash, type KeyObject, randomUUID, sign, verify } from "node:crypto";
import { canonicalJson, NonFiniteNumber } from "./canonical-json.js";

/**
 * The access envelope: the gateway's signed word, on every subgraph request,
 * of who is asking (the verified subject and declared purpose), for which
 * nation's subgraph, and for exactly which query and variables. The gateway
 * signs it where it talks to subgraphs; every subgraph verifies it with this
 * same module, so the digest is computed by one serializer on both sides.
 * Ed25519 through node:crypto: synchronous, no thread-pool hop per request.
 */
export const ENVELOPE_TYP = "tearline-envelope+jwt";
export const ENVELOPE_HEADER = "x-tearline-envelope";
/** How long an envelope is good for: long enough for one subgraph request, short enough that replay caches stay small. */
export const ENVELOPE_TTL_SECONDS = 60;

export interface EnvelopeSubject {
  nation: string;
  sub: string;
  clearance: string;
  compartments: readonly string[];
  scopes: readonly string[];
  purpose: string;
}

export interface EnvelopeClaims extends EnvelopeSubject {
  /** The nation whose subgraph may accept it. */
  aud: string;
  /** The gateway's request id, for the subgraph's own logs. */
  rid: string;
  /** SHA-256 (base64url) of the canonical JSON of { query, variables }. */
  dig: string;
  iat: number;
  exp: number;
  jti: string;
}

/** Why an envelope was refused: a category for the subgraph's log, never shown in detail to the caller. */
export class EnvelopeRejected extends Error {}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");
const headers = new Map<string, string>();
/** The encoded header of envelopes signed with `kid`: one per key, so written once. */
const HEADER = (kid: string) => {
  let header = headers.get(kid);
  if (header === undefined) {
    header = base64url(JSON.stringify({ alg: "EdDSA", typ: ENVELOPE_TYP, kid }));
    // A gateway signs with one key at a time; a rotation adds one.
    if (headers.size >= 16) headers.clear();
    headers.set(kid, header);
  }
  return header;
};

/**
 * The hash state after `{"query":<query>,"variables":` per query text: a query
 * plan sends the same few fetch texts again and again, and hashing a query of a
 * few kilobytes is most of a digest's cost. Bounded (emptied when full), since
 * a subgraph digests whatever text it is sent.
 */
const queryPrefixes = new Map<string, Hash>();
const QUERY_PREFIXES_MAX = 1000;

/**
 * The digest both sides compute: SHA-256 of the canonical JSON of { query, variables }, written in the key order
 * canonical JSON gives ("query" before "variables"); variables absent and {} are the same request.
 */
export function requestDigest(query: string, variables: Readonly<Record<string, unknown>> | null | undefined): string {
  let prefix = queryPrefixes.get(query);
  if (!prefix) {
    prefix = createHash("sha256").update(`{"query":${JSON.stringify(query)},"variables":`);
    if (queryPrefixes.size >= QUERY_PREFIXES_MAX) queryPrefixes.clear();
    queryPrefixes.set(query, prefix);
  }
  return prefix
    .copy()
    .update(canonicalJson(variables ?? {}))
    .update("}")
    .digest("base64url");
}

export interface EnvelopeRequest {
  subject: EnvelopeSubject;
  audience: string;
  requestId: string;
  query: string;
  variables?: Readonly<Record<string, unknown>> | null;
  /** Epoch ms. */
  now: number;
}

/** Signs one envelope for one subgraph request. */
export function signEnvelope(request: EnvelopeRequest, privateKey: KeyObject, kid: string): string {
  const iat = Math.floor(request.now / 1000);
  const { subject } = request;
  // A literal, not a spread of the subject: a spread builds its copy key by key, and signing spent more time on that
  // copy than on everything else but the signature (about 8 of 10 µs per envelope). The claims are the subject's six
  // and the request's six, in this order, whatever else the subject object may carry.
  const claims: EnvelopeClaims = {
    nation: subject.nation,
    sub: subject.sub,
    clearance: subject.clearance,
    compartments: subject.compartments,
    scopes: subject.scopes,
    purpose: subject.purpose,
    aud: request.audience,
    rid: request.requestId,
    dig: requestDigest(request.query, request.variables),
    iat,
    exp: iat + ENVELOPE_TTL_SECONDS,
    jti: randomUUID(),
  };
  const signingInput = `${HEADER(kid)}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign(null, Buffer.from(signingInput), privateKey))}`;
}

/**
 * Remembers envelope ids until they expire, so that each envelope is accepted
 * once. Bounded: when full of unexpired ids it refuses new envelopes rather
 * than forget one (fail closed); at the gateway's rate and a 60 s lifetime
 * the default bound is far away.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 200_000) {}

  /** True the first time `jti` is offered before `exp`; false for a replay or when full. */
  admit(jti: string, exp: number, nowSeconds: number): boolean {
    if (this.seen.size >= this.capacity) this.forgetExpired(nowSeconds);
    if (this.seen.has(jti) || this.seen.size >= this.capacity) return false;
    this.seen.set(jti, exp);
    return true;
  }

  private forgetExpired(nowSeconds: number): void {
    for (const [jti, exp] of this.seen) if (exp <= nowSeconds) this.seen.delete(jti);
  }

  get size(): number {
    return this.seen.size;
  }
}

/** What an envelope is checked against, besides its key. */
export interface EnvelopeRequestCheck {
  /** This subgraph's nation: the only audience it accepts. */
  audience: string;
  replays: ReplayCache;
  query: string;
  variables?: Readonly<Record<string, unknown>> | null;
  /** Epoch ms. */
  now: number;
  clockToleranceSeconds?: number;
  /** Epoch seconds: envelopes issued before it (the process's start) are refused. */
  notBefore?: number;
}

export interface EnvelopeCheck extends EnvelopeRequestCheck {
  /** The gateway's public keys by kid. */
  keyFor(kid: string): KeyObject | undefined;
}

/** An envelope whose header has been read, so that its key can be found (perhaps asynchronously) before it is verified. */
export interface OpenedEnvelope {
  kid: string;
  readonly parts: readonly [string, string, string];
}

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    // Stryker disable next-line StringLiteral: equivalent: part is never undefined (openEnvelope has counted three parts), and any text in place of "" decodes to no JSON object either, "malformed" all the same
    const value: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  throw new EnvelopeRejected("malformed");
}

const strings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string");

/** Reads an envelope's header: a well-formed envelope's kid, or EnvelopeRejected. */
export function openEnvelope(envelope: string | undefined): OpenedEnvelope {
  if (!envelope) throw new EnvelopeRejected("missing");
  const parts = envelope.split(".");
  if (parts.length !== 3) throw new EnvelopeRejected("malformed");
  const header = decodePart(parts[0]);
  if (header.typ !== ENVELOPE_TYP || header.alg !== "EdDSA" || typeof header.kid !== "string" || "crit" in header) {
    throw new EnvelopeRejected("not an envelope");
  }
  return { kid: header.kid, parts: parts as [string, string, string] };
}

/** Verifies an envelope against the request it came with; throws EnvelopeRejected naming the category. */
export function verifyEnvelope(envelope: string | undefined, check: EnvelopeCheck): EnvelopeClaims {
  const opened = openEnvelope(envelope);
  return verifyOpenedEnvelope(opened, check.keyFor(opened.kid), check);
}

/** Verifies an opened envelope with the key its kid names (undefined: a key the subgraph does not trust). */
export function verifyOpenedEnvelope(opened: OpenedEnvelope, key: KeyObject | undefined, check: EnvelopeRequestCheck): EnvelopeClaims {
  const claims = checkEnvelope(opened, key, check);
  bindEnvelope(claims, check);
  return claims;
}

/**
 * Everything about an envelope that does not need the request body: its key and signature, its claims, its audience
 * and its lifetime, so that a subgraph refuses a request without a good envelope before reading a byte of its body.
 * `notBefore` (epoch seconds): envelopes issued earlier are refused, so that a restarted process, whose replay cache
 * is empty, admits no envelope its previous life may already have admitted.
 */
export function checkEnvelope(
  opened: OpenedEnvelope,
  key: KeyObject | undefined,
  check: Pick<EnvelopeRequestCheck, "audience" | "now" | "clockToleranceSeconds" | "notBefore">,
): EnvelopeClaims {
  const { parts } = opened;
  if (key === undefined) throw new EnvelopeRejected("unknown key");
  // Only the canonical base64url form of the signature: no second spelling of the same envelope.
  const signature = Buffer.from(parts[2], "base64url");
  if (signature.toString("base64url") !== parts[2] || !verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, signature)) {
    throw new EnvelopeRejected("bad signature");
  }
  const claims = decodePart(parts[1]);
  const nowSeconds = check.now / 1000;
  const tolerance = check.clockToleranceSeconds ?? 5;
  const { aud, rid, dig, iat, exp, jti, nation, sub, clearance, compartments, scopes, purpose } = claims;
  if (
    typeof aud !== "string" ||
    typeof rid !== "string" ||
    typeof dig !== "string" ||
    typeof iat !== "number" ||
    typeof exp !== "number" ||
    typeof jti !== "string" ||
    typeof nation !== "string" ||
    typeof sub !== "string" ||
    typeof clearance !== "string" ||
    typeof purpose !== "string" ||
    !strings(compartments) ||
    !strings(scopes)
  ) {
    throw new EnvelopeRejected("malformed claims");
  }
  if (aud !== check.audience) throw new EnvelopeRejected("meant for another nation");
  if (exp <= nowSeconds - tolerance || exp - iat > ENVELOPE_TTL_SECONDS || iat > nowSeconds + tolerance) {
    throw new EnvelopeRejected("expired or not yet valid");
  }
  // No clock tolerance here: a gateway clock behind ours only delays the first requests after a start, never admits a replay.
  if (check.notBefore !== undefined && iat < check.notBefore) throw new EnvelopeRejected("issued before this process started");
  return { aud, rid, dig, iat, exp, jti, nation, sub, clearance, compartments, scopes, purpose };
}

/** Binds a checked envelope to the request it came with: its digest, then its id, admitted once. */
export function bindEnvelope(claims: EnvelopeClaims, check: Omit<EnvelopeRequestCheck, "audience">): void {
  let digest: string;
  try {
    digest = requestDigest(check.query, check.variables);
  } catch (error) {
    if (error instanceof NonFiniteNumber) throw new EnvelopeRejected("does not match the request");
    throw error;
  }
  if (claims.dig !== digest) throw new EnvelopeRejected("does not match the request");
  const tolerance = check.clockToleranceSeconds ?? 5;
  if (!check.replays.admit(claims.jti, claims.exp + tolerance, check.now / 1000)) throw new EnvelopeRejected("replayed");
}
