import { ALLOW_FOREVER, decideField, type Subject } from "@tearline/policy";
import type { OperationDefinitionNode } from "graphql";
import { labelCheckRule } from "../rules/label-check.js";
import type { PolicyState } from "./policy-state.js";
import { walkOperation } from "./walk-operation.js";

/** A place an operation decides a field at: the object types the field is reached on, and its name. */
export interface DecisionSite {
  readonly parentTypes: readonly string[];
  readonly fieldName: string;
}

/**
 * Every place the operation can decide a field at, whoever asks: the label
 * check walked with every field allowed, so that no subtree is left out.
 * A caller's walk decides a subset of these places, the ones whose every
 * enclosing field that caller was allowed.
 */
export function decisionSites(state: PolicyState, operation: OperationDefinitionNode): DecisionSite[] {
  const sites = new Map<string, DecisionSite>();
  walkOperation(state, operation, {
    decide(parentTypes, fieldName) {
      // Type names and field names are GraphQL names: no comma or dot inside one.
      const key = `${parentTypes.join(",")}.${fieldName}`;
      if (!sites.has(key)) sites.set(key, { parentTypes: [...parentTypes], fieldName });
      return ALLOW_FOREVER;
    },
    now: 0,
    rules: [labelCheckRule],
    limits: { maxCost: Number.POSITIVE_INFINITY },
  });
  return [...sites.values()];
}

/**
 * The caller's decisions at every site, as one key, in the manner of Apollo
 * Router's projection of scopes onto those a query uses. A walk sees the
 * caller only through decisions (QueryRuleContext.decide), and which sites it
 * reaches follows from the decisions at the sites above them; so two callers
 * with the same key get the same walk, hence the same plan, whatever else
 * differs between their attributes.
 */
export function decisionKey(state: PolicyState, sites: readonly DecisionSite[], subject: Subject, now: number): string {
  const context = { now, agreements: state.agreements };
  const decisions = sites.map((site) => {
    const decision = decideField(state.index, site.parentTypes, site.fieldName, subject, context);
    // validUntil as text: JSON would write every non-finite time (FOREVER) as null.
    const until = String(decision.validUntil);
    return decision.allowed ? [until] : [until, decision.onDeny, decision.reasons];
  });
  return JSON.stringify(decisions);
}
