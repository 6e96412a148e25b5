import type { Classification } from "@tearline/policy";
import { type DevTokenRequest, signDevToken } from "../scripts/idp/sign.js";
import { NATIONS } from "../subgraphs/nations.js";

type Attributes = Omit<DevTokenRequest, "keysDir" | "ttlSeconds"> & { purpose: string };

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

// From RESTRICTED up, so that every set gets the operation's root fields and the gateway does real work for each.
const CLEARANCES: Classification[] = ["RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET"];
const COMPARTMENT_SETS = [
  [],
  ["ORCHID"],
  ["HARBOR"],
  ["ORCHID", "HARBOR"],
  ["X1"],
  ["ORCHID", "X1"],
  ["HARBOR", "X2"],
  ["ORCHID", "HARBOR", "X3"],
];
const PURPOSES = ["CT", "CYBER", "CP", "HUMINT", "SIGINT", "POLICY", "TRAINING", "OSINT"];

/** `count` distinct attribute sets: nation × clearance × compartments × purpose. */
export function attributeSets(count: number): Attributes[] {
  const out: Attributes[] = [];
  for (const purpose of PURPOSES)
    for (const compartments of COMPARTMENT_SETS)
      for (const clearance of CLEARANCES)
        for (const nation of NATIONS) {
          if (out.length === count) return out;
          out.push({ nation, clearance, compartments, purposes: [purpose], purpose, scope: "watchlist:read" });
        }
  return out;
}

export interface HeaderSource {
  next(): Record<string, string>;
}

/** Signs one token per attribute set (or `copies` tokens of one set) and hands them out in turn. */
export async function headerSource(keysDir: string, sets: Attributes[], copies = 1): Promise<HeaderSource> {
  const headers: Array<Record<string, string>> = [];
  for (const set of sets) {
    for (let i = 0; i < copies; i++) {
      const token = await signDevToken({ ...set, keysDir, ttlSeconds: 3600, subject: `bench-${headers.length}` });
      headers.push({ authorization: `Bearer ${token}`, "x-purpose": set.purpose });
    }
  }
  let i = 0;
  return { next: () => headers[i++ % headers.length]! };
}
