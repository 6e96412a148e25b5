import type { DecisionContext, Reason } from "../decision.js";
import type { Requirement } from "../requirement.js";
import type { Subject } from "../subject.js";

/**
 * One condition a subject must meet for one requirement, like one of
 * graphql-js's validation rules: small, pure, and run as a list by decide.
 */
export interface Check {
  /** The category a failure is reported as. */
  readonly reason: Reason;
  /** True when the subject meets this condition of the requirement at `context.now`. */
  allows(requirement: Requirement, subject: Subject, context: DecisionContext): boolean;
  /**
   * When this check's answer may change (epoch ms). Only time-bound checks
   * have it; the others' answers hold until the labels or the subject change.
   */
  validUntil?(requirement: Requirement, subject: Subject, context: DecisionContext): number;
}
