import type { Classification } from "./classification.js";

/**
 * What a decision knows of a verified caller: the attributes the checks read.
 * The gateway makes it from a token it verified; a nation's subgraph from the
 * envelope the gateway signed. Nothing here is taken from a request unverified.
 */
export interface Subject {
  /** ISO 3166 alpha-3 code of the caller's nation, from the trusted issuer, never from a claim. */
  nation: string;
  clearance: Classification;
  compartments: ReadonlySet<string>;
  /** The purpose of use this request declared; always one the caller's token authorises. */
  purpose: string;
  scopes: ReadonlySet<string>;
}

/**
 * Everything a decision reads from a subject, as one string: subjects with
 * equal keys get equal decisions, so it can key a decision cache.
 */
export function subjectKey(subject: Subject): string {
  // JSON, not a join: claim values may contain any separator, and two callers must never share a key.
  const sorted = (values: ReadonlySet<string>) => [...values].sort();
  return JSON.stringify([subject.nation, subject.clearance, sorted(subject.compartments), subject.purpose, sorted(subject.scopes)]);
}
