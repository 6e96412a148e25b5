import type { DenyMode } from "./requirement.js";

/** `reject`: any denied field refuses the whole operation, as if every label said onDeny: REJECT. */
export type EnforcementMode = "redact" | "reject";

/**
 * What the denials of an operation do to it, decided in this one place: it
 * runs without the denied fields (each is withheld: null and an error at its
 * path), or it is refused whole when the mode or a denied field's label asks.
 * An unlabelled field is denied like any other (decide reports UNLABELLED).
 */
export function operationOutcome(denials: ReadonlyArray<{ readonly onDeny: DenyMode }>, mode: EnforcementMode): "execute" | "reject" {
  if (denials.length === 0) return "execute";
  return mode === "reject" || denials.some((denial) => denial.onDeny === "REJECT") ? "reject" : "execute";
}
