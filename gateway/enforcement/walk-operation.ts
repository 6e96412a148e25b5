import { coordinate, FOREVER, type Reason, type Subject } from "@tearline/policy";
import {
  type FieldNode,
  type GraphQLError,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitInParallel,
  visitWithTypeInfo,
} from "graphql";
import type { BannerEntry, Denial, QueryLimits, QueryRule, QueryRuleContext } from "../rules/context.js";
import type { CostNode } from "../rules/cost-model.js";
import { SelectionScope, visitWithScope } from "../rules/selection-scope.js";
import { callerDecider, type FieldDecider, type PolicyState } from "./policy-state.js";

/** How a walk decides each field: for a caller, or with a decider of the planner's own (which may record what it is asked). */
export type WalkDecider = { subject: Subject } | { decide: FieldDecider };

export type WalkOptions = WalkDecider & {
  /** The time decisions are made at, epoch ms. */
  now: number;
  rules: readonly QueryRule[];
  limits: QueryLimits;
};

/** What one walk of an operation found: errors (limits), denials with their field nodes, the banner plan, and the plan's validity. */
/** One coordinate the operation reached and what was decided for it (the audit trail's view of the walk). */
export interface DecidedField {
  coordinate: string;
  /** The nations whose labels govern it, sorted. */
  owners: string[];
  allowed: boolean;
  reasons: readonly Reason[];
}

export interface WalkResult {
  errors: GraphQLError[];
  denials: Denial[];
  denied: ReadonlySet<FieldNode>;
  banner: Map<string, BannerEntry>;
  validUntil: number;
  /** Each coordinate decided, once, in the order first met; a coordinate denied anywhere is recorded denied. */
  decided: DecidedField[];
  /** The operation's cost tree, as the cost rule reported it (empty without that rule). */
  cost: CostNode[];
}

/**
 * Walks an operation (fragments inlined) once with every rule in parallel,
 * sharing one TypeInfo and one selection scope, as graphql-js's validate
 * walks a document with every validation rule.
 */
export function walkOperation(state: PolicyState, operation: OperationDefinitionNode, options: WalkOptions): WalkResult {
  const errors: GraphQLError[] = [];
  const denials: Denial[] = [];
  const denied = new Set<FieldNode>();
  const banner = new Map<string, BannerEntry>();
  let validUntil = FOREVER;
  const decided = new Map<string, DecidedField>();
  let cost: CostNode[] = [];
  const typeInfo = new TypeInfo(state.schema);
  const scope = new SelectionScope(state.schema, typeInfo, state.schema.getQueryType()!.name);
  const decision = { now: options.now, agreements: state.agreements };
  const decide = "subject" in options ? callerDecider(state, options.subject, options.now) : options.decide;
  const context: QueryRuleContext = {
    schema: state.schema,
    scope,
    index: state.index,
    costs: state.costs,
    decision,
    decide,
    limits: options.limits,
    banner,
    reportError: (error) => errors.push(error),
    reportDenial: (denial) => {
      denials.push(denial);
      denied.add(denial.place.node);
    },
    isDenied: (node) => denied.has(node),
    reportDecided: (place, decision) => {
      for (const type of place.parentTypes) {
        const at = coordinate(type, place.node.name.value);
        const known = decided.get(at);
        if (known && (!known.allowed || decision.allowed)) continue;
        const owners = [...new Set(state.index.get(at)?.requirements.flatMap((r) => (r.owner ? [r.owner] : [])) ?? [])].sort();
        decided.set(at, { coordinate: at, owners, allowed: decision.allowed, reasons: decision.allowed ? [] : decision.reasons });
      }
    },
    reportValidUntil: (until) => {
      if (until < validUntil) validUntil = until;
    },
    reportCost: (tree) => {
      cost = tree;
    },
  };
  visit(operation, visitWithTypeInfo(typeInfo, visitWithScope(scope, visitInParallel(options.rules.map((rule) => rule(context))))));
  return { errors, denials, denied, banner, validUntil, decided: [...decided.values()], cost };
}
