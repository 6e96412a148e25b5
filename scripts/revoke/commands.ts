import type { RevocationList } from "../../lib/revocation-list.js";
import { isoInstant } from "../agreement/commands.js";
import { nextIssuedAt } from "./list-file.js";

/**
 * How long an entry stays listed: longer than any token the gateway accepts
 * can still be valid when it is revoked (a lifetime of at most 1 h, 30 s of
 * clock tolerance on iat and on exp), with room for an issuer's clock running
 * ahead. After that the token is refused as expired anyway, and the entry is
 * removed at the next write.
 */
export const ENTRY_KEPT_MS = (3600 + 300) * 1000;

/** A change to a list: the next list, and one line saying what changed. */
export interface RevocationChange {
  list: RevocationList;
  summary: string;
}

const tokens = (count: number) => `${count} token${count === 1 ? "" : "s"}`;

/**
 * The nation's next list with `jtis` added (each kept ENTRY_KEPT_MS from
 * now) and expired entries removed; undefined when every jti is already
 * listed and nothing has expired (nothing to sign).
 */
export function revoke(
  previous: RevocationList | undefined,
  nation: string,
  jtis: readonly string[],
  now: number,
): RevocationChange | undefined {
  const revoked = new Map([...(previous?.revoked ?? [])].filter(([, until]) => until > now));
  const pruned = (previous?.revoked.size ?? 0) - revoked.size;
  const added = jtis.filter((jti) => !revoked.has(jti));
  if (added.length === 0 && pruned === 0) return undefined;
  for (const jti of added) revoked.set(jti, now + ENTRY_KEPT_MS);
  const list: RevocationList = { nation, issuedAt: nextIssuedAt(previous, now), revoked };
  const parts = [`${tokens(added.length)} revoked${added.length > 0 ? ` (${added.join(", ")})` : ""}`];
  if (added.length < jtis.length) parts.push(`${tokens(jtis.length - added.length)} already listed`);
  if (pruned > 0) parts.push(`${pruned} expired ${pruned === 1 ? "entry" : "entries"} removed`);
  parts.push(`${tokens(revoked.size)} listed`);
  return { list, summary: `${nation} revocation list of ${isoInstant(list.issuedAt)}: ${parts.join(", ")}` };
}

/** The list for people to read: a heading, then one token a line with the time it stays listed until. */
export function renderRevocations(list: RevocationList, path: string, kid: string, now: number): string {
  const entries = [...list.revoked].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = entries.map(([jti, until]) => `  ${jti}  listed until ${isoInstant(until)}${until <= now ? " (expired)" : ""}`);
  const heading = `${list.nation} revocation list of ${isoInstant(list.issuedAt)} (${path}, key ${kid}): ${tokens(entries.length)}`;
  return [heading, ...lines].join("\n");
}
