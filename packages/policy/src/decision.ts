import type { DenyMode } from "./requirement.js";

/** Why a field was denied. Categories only: never the label values themselves. */
export type Reason = "CLEARANCE" | "RELEASABILITY" | "COMPARTMENT" | "PURPOSE" | "SCOPE" | "UNLABELLED";

/** Every reason category, in the order the checks report them. */
export const REASONS: readonly Reason[] = ["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE", "UNLABELLED"];

/** An answer that no passing of time changes. */
export const FOREVER = Number.POSITIVE_INFINITY;

/**
 * A decision on one field for one subject. `validUntil` (epoch milliseconds)
 * is when the answer may change, so that no cache serves it past then.
 */
export type Decision =
  | { readonly allowed: true; readonly validUntil: number }
  | { readonly allowed: false; readonly reasons: readonly Reason[]; readonly onDeny: DenyMode; readonly validUntil: number };

/** What a decision depends on besides the requirements and the subject. */
export interface DecisionContext {
  /** The time to decide at, epoch milliseconds. Time-bound checks read only this, never the clock. */
  readonly now: number;
}

export const ALLOW_FOREVER: Decision = { allowed: true, validUntil: FOREVER };
