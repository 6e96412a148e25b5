import type { Decision, DecisionContext, DenyMode, LabelIndex, Mark, Reason } from "@tearline/policy";
import type { ASTVisitor, FieldNode, GraphQLError, GraphQLSchema } from "graphql";
import type { CostIndex, CostNode } from "./cost-model.js";
import type { FieldPlace, SelectionScope } from "./selection-scope.js";

/** A field the caller may not see: where it is and why, by category only. */
export interface Denial {
  place: FieldPlace;
  reasons: readonly Reason[];
  onDeny: DenyMode;
}

/** The marking of each response key that an operation can return, nested like the response. */
export interface BannerEntry {
  mark: Mark;
  children: Map<string, BannerEntry>;
}

/** The limits the query rules enforce; depth, aliases and directives are graphql-armor's, checked while validating. */
export interface QueryLimits {
  /** Most an operation may cost (rules/cost-model.ts), with the variables it is sent with. */
  maxCost: number;
}

/**
 * The one context every query rule shares, as graphql-js's ValidationContext:
 * what the walk knows (schema, scope) and where each rule reports. The rules
 * run together through visitInParallel over the operation with its fragments
 * inlined; a rule earlier in the list may report what a later one reads
 * (a denial, which the banner plan then skips).
 */
export interface QueryRuleContext {
  readonly schema: GraphQLSchema;
  readonly scope: SelectionScope;
  readonly index: LabelIndex;
  /** Where each field is resolved and its page sizes: what the cost model weighs with. */
  readonly costs: CostIndex;
  /** What the decisions depend on besides the caller: the time and the agreements. */
  readonly decision: DecisionContext;
  /**
   * The caller's decision on a field reached on these types. Rules see the
   * caller only through it (no subject here), so that a walk depends on the
   * caller only through decisions: what lets callers who are decided alike
   * share one plan (enforcement/decision-sites.ts).
   */
  decide(parentTypes: readonly string[], fieldName: string): Decision;
  readonly limits: QueryLimits;
  reportError(error: GraphQLError): void;
  reportDenial(denial: Denial): void;
  isDenied(node: FieldNode): boolean;
  /** Every field decided, allowed or not: what the audit trail records of the operation. */
  reportDecided(place: FieldPlace, decision: Decision): void;
  /** A decision's validity, so that no plan is served past the earliest. */
  reportValidUntil(validUntil: number): void;
  /** The banner plan's root: the marking of every response key the operation can return. */
  readonly banner: Map<string, BannerEntry>;
  /** The operation's cost as planned (denied fields left out), for the plan to weigh again with each request's variables. */
  reportCost(cost: CostNode[]): void;
}

/** A query rule, in graphql-js's style: a visitor made for one walk. */
export type QueryRule = (context: QueryRuleContext) => ASTVisitor;
