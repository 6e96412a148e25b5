import { z } from "zod";
import { type KeyFor, signNationDocument, type VerificationKey, verifyNationDocument } from "./nation-jws.js";

/** The media type of a nation's signed revocation list: never an agreements document's, nor an access token's. */
export const REVOCATIONS_TYP = "tearline-revocations+jws";

/**
 * A signed list larger than this is refused unread by a gateway, and never written by `npm run revoke`: some
 * ten thousand entries, far more than a nation revokes within a token's lifetime (revoking more is rotating the key).
 */
export const MAX_REVOCATION_LIST_BYTES = 1024 * 1024;

/**
 * A nation's revoked access tokens: the `jti` of each, with the instant (epoch
 * ms) until which the entry is kept. A gateway refuses a token of that
 * nation's issuer whose jti is listed; an entry can go once no token with its
 * jti can still be valid. Lists are ordered by `issuedAt` (no version number):
 * a list written again from nothing after its file was lost is still newer
 * than every list a gateway has seen, and an older one is a rollback.
 */
export interface RevocationList {
  readonly nation: string;
  /** Epoch ms; each list of a nation is issued after the one it replaces. */
  readonly issuedAt: number;
  /** jti → epoch ms until which it is listed. */
  readonly revoked: ReadonlyMap<string, number>;
}

/** A signed list that is not acceptable; the message names the problem, never the list's contents. */
export class RevocationListRejected extends Error {}

// A date-time with its zone (Z or an offset): one without would be read in whatever zone the reader runs in.
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/, "must be an ISO 8601 date-time with its zone")
  .transform((value, context) => {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) context.addIssue({ code: "custom", message: "must be a real date-time" });
    return ms;
  });

/** A jti as issuers make them (UUIDs, opaque ids): printable ASCII without spaces, so that a list prints one entry a line. */
export const jtiSetting = z.string().regex(/^[\x21-\x7e]{1,200}$/, "must be 1 to 200 printable characters without spaces");

const payload = z.strictObject({
  nation: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 3166 alpha-3 code"),
  issuedAt: instant,
  revoked: z.array(z.strictObject({ jti: jtiSetting, until: instant })).superRefine((entries, context) => {
    const seen = new Set<string>();
    for (const [index, { jti }] of entries.entries()) {
      // Two entries for one jti would make its time on the list ambiguous.
      if (seen.has(jti)) context.addIssue({ code: "custom", path: [index, "jti"], message: "listed twice" });
      seen.add(jti);
    }
  }),
});

/** Reads a list's payload strictly: unknown keys, zone-less times and repeated jtis are refused. */
export function parseRevocationList(input: unknown): RevocationList {
  const parsed = payload.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${["revocations", ...issue.path].join(".")}: ${issue.message}`);
    throw new RevocationListRejected(problems.join("; "));
  }
  const { nation, issuedAt, revoked } = parsed.data;
  return { nation, issuedAt, revoked: new Map(revoked.map((entry) => [entry.jti, entry.until])) };
}

/** The payload to sign: the inverse of parseRevocationList, entries by jti so that equal lists print alike. */
export function revocationListJson(list: RevocationList): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    nation: list.nation,
    issuedAt: iso(list.issuedAt),
    revoked: [...list.revoked.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([jti, until]) => ({ jti, until: iso(until) })),
  };
}

/** Signs a revocation list with the nation's agreement key. */
export async function signRevocationList(list: RevocationList, privateKey: VerificationKey, kid: string): Promise<string> {
  return signNationDocument(revocationListJson(list), REVOCATIONS_TYP, privateKey, kid);
}

/** Verifies `nation`'s signed revocation list with that nation's agreement keys; the list and the kid that signed it. */
export async function verifiedRevocationList(jws: string, nation: string, keyFor: KeyFor): Promise<{ list: RevocationList; kid: string }> {
  const verified = await verifyNationDocument(jws, {
    typ: REVOCATIONS_TYP,
    what: "a revocation list",
    keyFor,
    rejected: (message) => new RevocationListRejected(message),
  });
  const list = parseRevocationList(verified.payload);
  if (list.nation !== nation) throw new RevocationListRejected("list is for another nation");
  return { list, kid: verified.kid };
}
