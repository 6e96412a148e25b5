import { createHash } from "node:crypto";
import { type EnforcementMode, FOREVER, operationOutcome, type Subject, subjectKey } from "@tearline/policy";
import {
  type DocumentNode,
  type GraphQLFormattedError,
  Kind,
  type OperationDefinitionNode,
  print,
  type ValidationRule,
  type VariableDefinitionNode,
} from "graphql";
import type { FieldAccess } from "../../lib/audit/event.js";
import { ErrorCode } from "../../lib/error-codes.js";
import type { CacheCounts } from "../../lib/metrics.js";
import type { BannerEntry, Denial, QueryLimits, QueryRule } from "../rules/context.js";
import { type CostNode, dependsOnVariables, evaluateCost, pageRefused, tooCostly } from "../rules/cost-model.js";
import { specifiedQueryRules } from "../rules/index.js";
import { inlineFragments, OperationTooLargeError } from "../transforms/inline-fragments.js";
import { removeDenied } from "../transforms/remove-denied.js";
import { type ArmorLimits, armorRules } from "./armor-limits.js";
import { type DecisionSites, decisionKey, decisionSites } from "./decision-sites.js";
import { type IntrospectionPlan, introspectionPlan } from "./introspection.js";
import { LruCache } from "./lru.js";
import { parseAndValidate } from "./parse-and-validate.js";
import { callerDecider, type PolicyState } from "./policy-state.js";
import { type RedactionEntry, redactionTree, responseKeyOrder } from "./redaction-tree.js";
import { walkOperation } from "./walk-operation.js";

/** An operation that runs: what is left of it once the denied fields are taken out, and how to complete its answer. */
export interface ExecutablePlan {
  kind: "execute";
  /** The rewritten operation; null when every field was denied and nothing is left to execute. */
  query: string | null;
  variableDefinitions: readonly VariableDefinitionNode[];
  redaction: readonly RedactionEntry[];
  /** Response keys of the operation's root selection, in order. */
  rootOrder: readonly string[];
  banner: ReadonlyMap<string, BannerEntry>;
  /** Every field the caller asked for and may not see. */
  denials: readonly Denial[];
  /** Every coordinate decided, for the audit trail. */
  fields: readonly FieldAccess[];
  /** The name of the operation that was chosen to run; null for an anonymous one. */
  operationName: string | null;
  /** Epoch ms after which the decisions behind this plan may no longer hold. */
  validUntil: number;
  /** The operation's cost (rules/cost-model.ts), or its tree when the cost depends on the variables and is weighed for each request. */
  cost: number | CostNode[];
}

export type OperationPlan =
  | { kind: "invalid"; status: 400; errors: GraphQLFormattedError[]; validUntil: number }
  | { kind: "reject"; denials: readonly Denial[]; fields: readonly FieldAccess[]; operationName: string | null; validUntil: number }
  | ExecutablePlan
  | IntrospectionPlan;

export interface PlannerOptions extends QueryLimits, ArmorLimits {
  mode: EnforcementMode;
  /** Most fields an operation may select once its fragments are expanded. */
  maxFields: number;
  /** Most plans kept; the caches are also bounded by the size of what they hold. */
  cacheSize: number;
  /** The query rules to walk operations with; default specifiedQueryRules. */
  rules?: readonly QueryRule[];
  /** Whether an operation may ask about the schema (INTROSPECTION); default false: it is refused. */
  introspection?: boolean;
}

/** One operation of one query text, as the planner's steps pass it along; `key` names it in the caches. */
interface Asked {
  state: PolicyState;
  query: string;
  queryHash: string;
  operationName: string | undefined;
  key: string;
}

/** Bytes of query text the two caches may hold between them, roughly; a plan keeps a few copies of its text. */
const CACHE_TEXT_BUDGET = 64 * 1024 * 1024;

/** SHA-256 of an operation's text, base64url: its key in the plan caches, and its name in the audit trail. */
export const operationHash = (query: string): string => createHash("sha256").update(query).digest("base64url");

const invalid = (code: ErrorCode, message: string): OperationPlan => ({
  kind: "invalid",
  status: 400,
  errors: [{ message, extensions: { code } }],
  validUntil: FOREVER,
});

/**
 * From an operation and a caller to the operation the planner may see: parse,
 * validate, inline fragments, walk it once with every query rule (limits,
 * label check, banner plan), decide what the denials do to it, remove the
 * denied fields. The result depends only on the query, the operation name,
 * the caller's attributes, the schema and the time; it is cached on the first
 * four and never served past its validUntil. The rewritten text is what
 * reaches the query planner, which therefore caches its plans per rewritten
 * document, never across callers with different decisions.
 */
export class OperationPlanner {
  /** Plans per operation and caller attributes: one lookup for a caller seen before. */
  private readonly plans: LruCache<string, OperationPlan>;
  /** The same plans per operation and the caller's decisions on it: shared by every caller decided alike. */
  private readonly shared: LruCache<string, OperationPlan>;
  /** Per operation, every place it decides a field at (null: it is planned alike for everyone, invalid or introspection). */
  private readonly sites: LruCache<string, DecisionSites | null>;
  private readonly documents: LruCache<string, DocumentNode | GraphQLFormattedError[]>;
  private readonly rules: readonly QueryRule[];
  private readonly armor: ValidationRule[];

  constructor(private readonly options: PlannerOptions) {
    this.rules = options.rules ?? specifiedQueryRules;
    this.armor = armorRules(options);
    // Stryker disable all: weights are estimates of bytes held, bounding memory; LruCache tests the bound itself.
    const planWeight = (plan: OperationPlan) => 1024 + 4 * (plan.kind === "execute" ? (plan.query?.length ?? 0) : 0);
    // The two plan caches mostly hold the same plans, so their budgets overlap.
    this.plans = new LruCache(options.cacheSize, CACHE_TEXT_BUDGET / 2, planWeight);
    this.shared = new LruCache(options.cacheSize, CACHE_TEXT_BUDGET / 2, planWeight);
    this.sites = new LruCache(options.cacheSize, CACHE_TEXT_BUDGET / 8, (sites) => 1024 + 128 * (sites?.size ?? 0));
    this.documents = new LruCache(
      options.cacheSize,
      CACHE_TEXT_BUDGET / 2,
      (document) => 1024 + (Array.isArray(document) ? 0 : 4 * (document.loc?.source.body.length ?? 0)),
    );
    // Stryker restore all
  }

  /** `queryHash`: operationHash(query), when the caller has it already (the request's audit record does). */
  plan(
    state: PolicyState,
    query: string,
    operationName: string | undefined,
    subject: Subject,
    now = Date.now(),
    queryHash = operationHash(query),
  ): OperationPlan {
    const asked: Asked = { state, query, queryHash, operationName, key: `${state.version}\u0000${queryHash}\u0000${operationName ?? ""}` };
    const key = `${asked.key}\u0000${subjectKey(subject)}`;
    let plan = this.plans.get(key);
    if (!plan || plan.validUntil <= now) {
      plan = this.sharedPlan(asked, subject, now);
      this.plans.set(key, plan);
    }
    return plan;
  }

  get cachedPlans(): number {
    return this.plans.size;
  }

  /** The plan caches (per caller attributes, and shared per caller decisions) and the parsed-document cache (per query). */
  get caches(): { plans: CacheCounts; sharedPlans: CacheCounts; documents: CacheCounts } {
    return { plans: this.plans, sharedPlans: this.shared, documents: this.documents };
  }

  /**
   * A plan for a caller whose attributes have no plan yet: the plan of any
   * caller decided alike at every place the operation decides a field at
   * (decision-sites.ts), or a new one. 1,000 attribute sets that decide an
   * operation alike are planned once.
   */
  private sharedPlan(asked: Asked, subject: Subject, now: number): OperationPlan {
    const sites = this.sitesOf(asked);
    if (!sites) return this.build(asked, subject, now);
    const key = `${asked.key}\u0000${decisionKey(asked.state, sites, subject, now)}`;
    let plan = this.shared.get(key);
    if (!plan || plan.validUntil <= now) {
      let outside = false;
      plan = this.build(asked, subject, now, (parentTypes, fieldName) => {
        outside ||= !sites.has(parentTypes, fieldName);
      });
      // A walk that decided a place the key does not cover is not known to be shared by everyone with this key.
      if (!outside) this.shared.set(key, plan);
    }
    return plan;
  }

  private sitesOf(asked: Asked): DecisionSites | null {
    let sites = this.sites.get(asked.key);
    if (sites === undefined) {
      const operation = this.operationToWalk(asked);
      sites = operation.kind === Kind.OPERATION_DEFINITION ? decisionSites(asked.state, operation, this.rules) : null;
      this.sites.set(asked.key, sites);
    }
    return sites;
  }

  private validDocument(state: PolicyState, queryHash: string, query: string): DocumentNode | GraphQLFormattedError[] {
    const key = `${state.version}\u0000${queryHash}`;
    let cached = this.documents.get(key);
    if (!cached) {
      cached = parseAndValidate(state.schema, query, this.armor);
      this.documents.set(key, cached);
    }
    return cached;
  }

  /**
   * The operation to walk, fragments inlined; or, when there is none to walk,
   * the plan that says why (invalid, not a query) or answers it (introspection),
   * which is the same for every caller.
   */
  private operationToWalk({ state, queryHash, query, operationName }: Asked): OperationDefinitionNode | OperationPlan {
    const document = this.validDocument(state, queryHash, query);
    if (Array.isArray(document)) return { kind: "invalid", status: 400, errors: document, validUntil: FOREVER };
    let operation: OperationDefinitionNode | undefined;
    try {
      operation = inlineFragments(document, operationName, this.options.maxFields);
    } catch (error) {
      if (error instanceof OperationTooLargeError) return invalid(ErrorCode.OperationTooComplex, error.message);
      throw error;
    }
    if (!operation) return invalid(ErrorCode.OperationResolutionFailure, "Name the operation to run with operationName");
    if (operation.operation !== "query") return invalid(ErrorCode.OperationNotSupported, "Only query operations are supported");
    // Questions about the schema are answered from the caller's view of it, never planned.
    return introspectionPlan(operation, this.options.introspection ?? false) ?? operation;
  }

  /** A new plan for this caller; `observe` is told every place its walk decides a field at. */
  private build(
    asked: Asked,
    subject: Subject,
    now: number,
    observe?: (parentTypes: readonly string[], fieldName: string) => void,
  ): OperationPlan {
    const { state } = asked;
    const operation = this.operationToWalk(asked);
    if (operation.kind !== Kind.OPERATION_DEFINITION) return operation;
    const decideFor = callerDecider(state, subject, now);
    const decide = (parentTypes: readonly string[], fieldName: string) => {
      observe?.(parentTypes, fieldName);
      return decideFor(parentTypes, fieldName);
    };
    const walk = walkOperation(state, operation, { decide, now, rules: this.rules, limits: this.options });
    // A refusal found by the walk (a cost, a page size) may rest on time-bound decisions too: as long-lived as they are.
    if (walk.errors.length > 0)
      return { kind: "invalid", status: 400, errors: walk.errors.map((e) => e.toJSON()), validUntil: walk.validUntil };
    const outcome = operationOutcome(walk.denials, this.options.mode);
    const fields = walk.decided.map(({ coordinate, owners, allowed, reasons }) => ({
      coordinate,
      owners,
      decision: allowed ? ("ALLOWED" as const) : outcome === "reject" ? ("REJECTED" as const) : ("REDACTED" as const),
      reasons: [...reasons],
    }));
    const chosenName = operation.name?.value ?? null;
    if (outcome === "reject")
      return { kind: "reject", denials: walk.denials, fields, operationName: chosenName, validUntil: walk.validUntil };

    const tree = redactionTree(walk.denials);
    const rewritten =
      walk.denials.length === 0 ? operation : removeDenied(operation, { denied: walk.denied, needsTypename: tree.needsTypename });
    return {
      kind: "execute",
      query: rewritten ? print(rewritten) : null,
      variableDefinitions: operation.variableDefinitions ?? [],
      redaction: tree.entries,
      rootOrder: responseKeyOrder(operation.selectionSet),
      banner: walk.banner,
      denials: walk.denials,
      fields,
      operationName: chosenName,
      validUntil: walk.validUntil,
      cost: dependsOnVariables(walk.cost) ? walk.cost : costWithout(walk.cost),
    };
  }

  /**
   * What an operation costs with the request's variables, or why it may not
   * run: a page size in a variable past its maximum, or a cost past the cap.
   * A plan whose cost does not depend on the variables was weighed once,
   * while it was made; a plan that runs nothing costs nothing.
   */
  weigh(
    plan: OperationPlan,
    variables: Readonly<Record<string, unknown>> | undefined,
  ): { cost: number } | { refusal: GraphQLFormattedError } {
    if (plan.kind !== "execute") return { cost: 0 };
    if (typeof plan.cost === "number") return { cost: plan.cost };
    const result = evaluateCost(plan.cost, variables);
    if ("refused" in result) return { refusal: pageRefused(result.refused).toJSON() };
    return result.cost > this.options.maxCost ? { refusal: tooCostly(result.cost, this.options.maxCost).toJSON() } : result;
  }
}

/** The cost of a tree that needs no variables (a page refusal in it was reported by the rule, and the plan is invalid). */
function costWithout(tree: readonly CostNode[]): number {
  const result = evaluateCost(tree, undefined);
  return "cost" in result ? result.cost : Number.POSITIVE_INFINITY;
}
