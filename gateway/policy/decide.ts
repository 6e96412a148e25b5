import type { Principal } from "../auth/principal.js";
import { dominates } from "./classification.js";
import type { DenyMode, Rule } from "./rule.js";

/** Why a field was denied. Categories only: never the label values themselves. */
export type Reason = "CLEARANCE" | "RELEASABILITY" | "COMPARTMENT" | "PURPOSE" | "SCOPE" | "UNLABELLED";

export type Decision = { allowed: true } | { allowed: false; reasons: Reason[]; onDeny: DenyMode };

export const ALLOW: Decision = { allowed: true };

/**
 * The policy decision point: pure, no I/O. A caller may see a field only when
 * every rule on it allows; each failing condition adds its reason.
 * `now` is accepted so that time-bound rules (sharing agreements) fit here.
 */
export function decide(rules: readonly Rule[], principal: Principal, _now: Date = new Date()): Decision {
  if (rules.length === 0) return { allowed: false, reasons: ["UNLABELLED"], onDeny: "REDACT" };
  const reasons = new Set<Reason>();
  let onDeny: DenyMode = "REDACT";
  for (const rule of rules) {
    const failed = ruleReasons(rule, principal);
    for (const reason of failed) reasons.add(reason);
    if (failed.length > 0 && rule.onDeny === "REJECT") onDeny = "REJECT";
  }
  return reasons.size === 0 ? ALLOW : { allowed: false, reasons: [...reasons], onDeny };
}

function ruleReasons(rule: Rule, principal: Principal): Reason[] {
  const reasons: Reason[] = [];
  if (!dominates(principal.clearance, rule.level)) reasons.push("CLEARANCE");
  if (principal.nation !== rule.owner && !rule.releasableTo.has(principal.nation)) reasons.push("RELEASABILITY");
  if ([...rule.compartments].some((compartment) => !principal.compartments.has(compartment))) reasons.push("COMPARTMENT");
  if (rule.purposes && !rule.purposes.has(principal.purpose)) reasons.push("PURPOSE");
  if (rule.scopeGroups.some((group) => ![...group].some((scope) => principal.scopes.has(scope)))) reasons.push("SCOPE");
  return reasons;
}
