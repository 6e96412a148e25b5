import { type DevTokenRequest, signDevToken } from "../scripts/idp/sign.js";

export type Attributes = Omit<DevTokenRequest, "keysDir" | "ttlSeconds"> & { purpose: string };

/** Cleared for every field the bench operations touch. */
export const ALLOWED: Attributes = {
  nation: "DEU",
  clearance: "TOP_SECRET",
  purposes: ["CT", "CYBER"],
  purpose: "CT",
  compartments: ["ORCHID", "HARBOR"],
  scope: "watchlist:read",
};

/** Denied about a third of the typical operation's fields (FRA's assessment and reports, DEU's watchlist). */
export const REDACTED: Attributes = { nation: "EST", clearance: "RESTRICTED", purposes: ["CYBER"], purpose: "CYBER" };

// Compartments no label asks for: holding any of them changes the caller's attribute set, not what they may see.
const SPARE_COMPARTMENTS = Array.from({ length: 10 }, (_, i) => `X${i + 1}`);

/**
 * `count` (at most 1,024) distinct attribute sets that all decide alike on the bench operations: ALLOWED plus a
 * different subset of spare compartments each. Every set is a plan of its own to the gateway, yet every caller gets
 * the whole answer, so T-attrs does the same work as B (the same subgraph fetches) and differs only in planning.
 */
export function attributeSets(count: number): Attributes[] {
  if (count > 2 ** SPARE_COMPARTMENTS.length) throw new Error(`at most ${2 ** SPARE_COMPARTMENTS.length} attribute sets`);
  return Array.from({ length: count }, (_, i) => ({
    ...ALLOWED,
    compartments: [...(ALLOWED.compartments ?? []), ...SPARE_COMPARTMENTS.filter((_, bit) => i & (1 << bit))],
  }));
}

export interface HeaderSource {
  next(): Record<string, string>;
}

/** A caller's request headers with a freshly signed token of the nation's dev IdP (a new `jti` each time). */
export async function callerHeaders(keysDir: string, set: Attributes, subject: string, ttlSeconds = 3600): Promise<Record<string, string>> {
  const token = await signDevToken({ ...set, keysDir, ttlSeconds, subject });
  return { authorization: `Bearer ${token}`, "x-purpose": set.purpose };
}

/** Signs one token per attribute set (or `copies` tokens of one set) and hands them out in turn. */
export async function headerSource(keysDir: string, sets: Attributes[], copies = 1): Promise<HeaderSource> {
  const headers: Array<Record<string, string>> = [];
  for (const set of sets) {
    for (let i = 0; i < copies; i++) headers.push(await callerHeaders(keysDir, set, `bench-${headers.length}`));
  }
  let i = 0;
  return { next: () => headers[i++ % headers.length]! };
}
