import { ALLOW_FOREVER, type Subject } from "@tearline/policy";
import type { OperationDefinitionNode } from "graphql";
import type { QueryRule } from "../rules/context.js";
import { callerDecider, type PolicyState } from "./policy-state.js";
import { walkOperation } from "./walk-operation.js";

/** A place an operation decides a field at: the object types the field is reached on, and its name. */
export interface DecisionSite {
  readonly parentTypes: readonly string[];
  readonly fieldName: string;
}

// Type names and field names are GraphQL names: no comma or dot inside one.
const siteKey = (parentTypes: readonly string[], fieldName: string) => `${parentTypes.join(",")}.${fieldName}`;

/** The places an operation decides fields at, in the order first met. */
export class DecisionSites {
  private readonly sites = new Map<string, DecisionSite>();

  add(parentTypes: readonly string[], fieldName: string): void {
    // A place met again is set again to an equal value, and keeps its first position.
    this.sites.set(siteKey(parentTypes, fieldName), { parentTypes: [...parentTypes], fieldName });
  }

  has(parentTypes: readonly string[], fieldName: string): boolean {
    return this.sites.has(siteKey(parentTypes, fieldName));
  }

  get size(): number {
    return this.sites.size;
  }

  values(): IterableIterator<DecisionSite> {
    return this.sites.values();
  }
}

/**
 * Every place the operation can decide a field at, whoever asks: the
 * planner's own rules walked with every field allowed, so that no subtree is
 * left out, recording every place any rule asks about. A caller's walk
 * decides a subset of these places (those whose every enclosing field that
 * caller was allowed), unless a rule asks about a place only once something
 * is denied: the planner does not share a plan whose walk went outside them.
 */
export function decisionSites(state: PolicyState, operation: OperationDefinitionNode, rules: readonly QueryRule[]): DecisionSites {
  const sites = new DecisionSites();
  walkOperation(state, operation, {
    decide(parentTypes, fieldName) {
      sites.add(parentTypes, fieldName);
      return ALLOW_FOREVER;
    },
    now: 0,
    rules,
    // Stryker disable next-line ObjectLiteral: no limit is enforced here; the sites do not depend on it.
    limits: { maxCost: Number.POSITIVE_INFINITY },
  });
  return sites;
}

/**
 * The caller's decisions at every site, as one key, in the manner of Apollo
 * Router's projection of scopes onto those a query uses. A walk sees the
 * caller only through decisions (QueryRuleContext.decide), and which sites it
 * reaches follows from the decisions at the sites above them; so two callers
 * with the same key get the same walk, hence the same plan, whatever else
 * differs between their attributes.
 */
export function decisionKey(state: PolicyState, sites: DecisionSites, subject: Subject, now: number): string {
  const decide = callerDecider(state, subject, now);
  const decisions = [...sites.values()].map((site) => {
    const decision = decide(site.parentTypes, site.fieldName);
    // validUntil as text: JSON would write every non-finite time (FOREVER) as null.
    const until = String(decision.validUntil);
    return decision.allowed ? [until] : [until, decision.onDeny, decision.reasons];
  });
  return JSON.stringify(decisions);
}
