import type { AgreementBook } from "./agreements/document.js";
import type { DenyMode } from "./requirement.js";

/** Why a field was denied. Categories only: never the label values themselves. */
export type Reason = "CLEARANCE" | "RELEASABILITY" | "COMPARTMENT" | "PURPOSE" | "SCOPE" | "AGREEMENT" | "UNLABELLED";

/** Every reason category, in the order the checks report them. */
export const REASONS: readonly Reason[] = ["CLEARANCE", "RELEASABILITY", "COMPARTMENT", "PURPOSE", "SCOPE", "AGREEMENT", "UNLABELLED"];

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
  /** Every owning nation's verified sharing agreements in force; an owner missing here shares with no other nation. */
  readonly agreements: AgreementBook;
  /** The field being decided, on each concrete type it is reached on (set by decideField), for agreements that list types or fields. */
  readonly field?: { readonly types: readonly string[]; readonly name: string };
}

export const ALLOW_FOREVER: Decision = { allowed: true, validUntil: FOREVER };
