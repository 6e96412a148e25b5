import type { Classification } from "@tearline/policy";
import type { RequestRecord } from "../../audit/record.js";

/** Who a flag is about: one caller of one issuer (the same `sub` from two issuers is two subjects). */
export interface FlagSubject {
  nation: string;
  sub: string;
  issuer: string;
}

/**
 * What the detectors read of one recorded operation: the facts its audit
 * event holds (caller, purpose, decisions, subgraphs) plus the marking of
 * the rows it read. Counts and nation codes only, never a value.
 */
export interface Observation {
  /** Epoch ms when it was observed (the monitor's clock). */
  at: number;
  requestId: string;
  subject: FlagSubject;
  /** The subject as a memory key (issuer and sub). */
  key: string;
  purpose: string;
  /** The nations whose data it reached for: the owners of every field decided, and the subgraphs fetched from. */
  owners: readonly string[];
  /** How many of its fields were denied (REDACTED or REJECTED), and whose they were. */
  denied: number;
  deniedOwners: readonly string[];
  /**
   * Whether the rows it read were classified above UNCLASSIFIED (1) or not (0).
   * Subgraphs report only the high-water marking of the rows each request read,
   * neither record ids nor counts, so "classified records read" is measured as
   * the operations that returned classified rows; `classifiedOwners` are the
   * subgraphs they came from.
   */
  classified: 0 | 1;
  classifiedOwners: readonly string[];
}

/** The memory key of a subject: an issuer is a configured URL and holds no NUL, so the pair cannot be confused. */
export const subjectKey = (issuer: string, sub: string): string => `${issuer}\u0000${sub}`;

const aboveUnclassified = (level: Classification | undefined) => level !== undefined && level !== "UNCLASSIFIED";

/** The observation of one recorded request; undefined when its caller was never verified (no subject to watch). */
export function observationOf(record: RequestRecord, at: number): Observation | undefined {
  const { principal, plan } = record;
  if (principal === undefined) return undefined;
  const fields = plan && plan.kind !== "invalid" ? plan.fields : [];
  const owners = new Set<string>(record.subgraphs);
  const deniedOwners = new Set<string>();
  let denied = 0;
  for (const field of fields) {
    for (const owner of field.owners) owners.add(owner);
    if (field.decision === "ALLOWED") continue;
    denied++;
    for (const owner of field.owners) deniedOwners.add(owner);
  }
  const classified = aboveUnclassified(record.rowsLevel) ? 1 : 0;
  return {
    at,
    requestId: record.requestId,
    subject: { nation: principal.nation, sub: principal.sub, issuer: principal.issuer },
    key: subjectKey(principal.issuer, principal.sub),
    purpose: principal.purpose,
    owners: [...owners],
    denied,
    deniedOwners: [...deniedOwners],
    classified,
    classifiedOwners: classified ? [...record.subgraphs] : [],
  };
}
