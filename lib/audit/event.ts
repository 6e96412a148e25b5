import type { Reason } from "@tearline/policy";

/**
 * What the audit trail records. Identities, categories, coordinates and
 * counts: never a field value and never a token (the token's `jti` only).
 */
export type AuditEvent = ChainStartEvent | OperationEvent | FlagEvent;

/** The first event of every chain: which gateway process wrote it, and from when. */
export interface ChainStartEvent {
  kind: "chain-start";
  /** ISO 8601 time. */
  at: string;
  chain: string;
  /** The kid of the key the chain's checkpoints are signed with at start (a rotation may change it later). */
  kid: string;
}

/** What happened to one field coordinate the operation asked for. */
export type FieldDecision = "ALLOWED" | "REDACTED" | "REJECTED";

export interface FieldAccess {
  /** `Type.field`. */
  coordinate: string;
  /** The nations whose labels govern it (those that resolve it), sorted. */
  owners: string[];
  decision: FieldDecision;
  /** Why it was denied, by category; empty when allowed. */
  reasons: Reason[];
}

/** How an operation ended, from the caller's side. */
export type OperationResult =
  /** Data was returned (some fields may have been withheld). */
  | "ANSWERED"
  /** Refused as a whole by the policy (403). */
  | "REJECTED"
  /** Refused for anything else: identity, input, limits, an unavailable policy. */
  | "REFUSED";

/** One event per operation, answered or refused, with what was known when it ended. */
export interface OperationEvent {
  kind: "operation";
  at: string;
  requestId: string;
  status: number;
  /** Undefined parts were not known: a request refused before its caller was verified has no caller. */
  caller: { nation: string; sub: string; issuer: string; tokenId: string } | null;
  purpose: string | null;
  operationName: string | null;
  /** SHA-256 of the operation's text, base64url; null when no text was read. */
  operationHash: string | null;
  /** Every coordinate decided for it, allowed ones too, in the order first met. */
  fields: FieldAccess[];
  /** The subgraphs (nations) the gateway fetched from to answer it, sorted. */
  subgraphs: string[];
  /** The agreements version in force per nation when it was decided. */
  agreements: Record<string, number>;
  result: OperationResult;
  /** The refusal's code from the error registry; null when answered. */
  code: string | null;
}

/** The anomaly kinds the gateway watches for, per subject, over sliding windows. */
export type FlagKind = "REQUEST_RATE" | "DENIED_FIELDS" | "CLASSIFIED_OPERATIONS" | "NEW_PURPOSE";

/** A threshold crossed by one subject, recorded in the chain like any operation. */
export interface FlagEvent {
  kind: "flag";
  at: string;
  flag: FlagKind;
  subject: { nation: string; sub: string; issuer: string };
  /** The nations notified: the owners of the data the subject was reaching for. */
  owners: string[];
  /** What was counted in the window, and the threshold it crossed. */
  count: number;
  threshold: number;
  windowSeconds: number;
  /** ISO time until which the subject is refused with 429; null when the threshold does not throttle. */
  throttledUntil: string | null;
  /**
   * NEW_PURPOSE only: the purpose declared new by the request that crossed the threshold. A purpose is a
   * category of use, not an identity, so a nation's view and the reports may show it. Absent on other flags
   * (and on flags recorded before it was added).
   */
  purpose?: string;
  /** The request that crossed it. */
  requestId: string;
}
