import { type Check, specifiedChecks } from "./checks/index.js";
import { coordinate } from "./coordinate.js";
import { ALLOW_FOREVER, type Decision, type DecisionContext, FOREVER, type Reason } from "./decision.js";
import type { LabelIndex } from "./label-index/types.js";
import type { DenyMode, Requirement } from "./requirement.js";
import type { Subject } from "./subject.js";

const UNLABELLED: Decision = { allowed: false, reasons: ["UNLABELLED"], onDeny: "REDACT", validUntil: FOREVER };

/**
 * The policy decision point: pure, no I/O, no clock of its own. A subject may
 * see a field only when every check allows every requirement on it; each
 * failing check adds its reason. No requirement at all is a denial
 * (UNLABELLED): fail closed. The decision is valid until the earliest time a
 * time-bound check's answer may change.
 */
export function decide(
  requirements: readonly Requirement[],
  subject: Subject,
  context: DecisionContext,
  checks: readonly Check[] = specifiedChecks,
): Decision {
  if (requirements.length === 0) return UNLABELLED;
  // Made only once a check fails: an allowed field, the usual case, allocates nothing.
  let reasons: Set<Reason> | undefined;
  let onDeny: DenyMode = "REDACT";
  let validUntil = FOREVER;
  for (const requirement of requirements) {
    let failed = false;
    for (const check of checks) {
      if (check.validUntil) validUntil = Math.min(validUntil, check.validUntil(requirement, subject, context));
      if (!check.allows(requirement, subject, context)) {
        reasons ??= new Set();
        reasons.add(check.reason);
        failed = true;
      }
    }
    if (failed && requirement.onDeny === "REJECT") onDeny = "REJECT";
  }
  if (reasons !== undefined) {
    // AGREEMENT beside another reason would tell the caller about the agreement's terms (its ceiling or purposes) that
    // the other reason already explains: it is reported only when it is the whole reason.
    if (reasons.size > 1) reasons.delete("AGREEMENT");
    return { allowed: false, reasons: [...reasons], onDeny, validUntil };
  }
  return validUntil === FOREVER ? ALLOW_FOREVER : { allowed: true, validUntil };
}

/**
 * Decides a field selected on each of `parentTypes` (the concrete object
 * types the selection can reach): the subject needs every requirement of
 * every `Type.field`, and a coordinate missing from the index denies the
 * field as unlabelled.
 */
export function decideField(
  index: LabelIndex,
  parentTypes: readonly string[],
  fieldName: string,
  subject: Subject,
  context: DecisionContext,
  checks: readonly Check[] = specifiedChecks,
): Decision {
  // No possible type (an interface nobody implements): nothing can be returned, so nothing is revealed.
  if (parentTypes.length === 0) return ALLOW_FOREVER;
  // Written out, not spread: one object shape for every call, which V8 builds far faster than a copy of unknown keys.
  const at: DecisionContext = { now: context.now, agreements: context.agreements, field: { types: parentTypes, name: fieldName } };
  // Stryker disable next-line ConditionalExpression,BlockStatement: the common case, without the copy; the loop below decides one type the same.
  if (parentTypes.length === 1) {
    const policy = index.get(coordinate(parentTypes[0]!, fieldName));
    return decide(policy ? policy.requirements : [], subject, at, checks);
  }
  const requirements: Requirement[] = [];
  for (const type of parentTypes) {
    const policy = index.get(coordinate(type, fieldName));
    if (!policy) return UNLABELLED;
    requirements.push(...policy.requirements);
  }
  return decide(requirements, subject, at, checks);
}
