import { createHash } from "node:crypto";
import {
  GraphQLError,
  parse,
  print,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from "graphql";
import { operationOutcome, subjectKey, type LabelIndex } from "@tearline/policy";
import type { Principal } from "../auth/principal.js";
import { bannerPlanRule, type BannerEntry } from "../rules/banner-plan.js";
import { inlineFragments, OperationTooLargeError } from "../rules/inline-fragments.js";
import { labelCheckRule, type Denial } from "../rules/label-check.js";
import { limitsRule } from "../rules/limits.js";
import { removeDeniedRule } from "../rules/remove-denied.js";
import { SelectionScope } from "../rules/selection-scope.js";
import { LruCache } from "./lru.js";
import { redactionTree, responseKeyOrder, type RedactionEntry } from "./redaction-tree.js";

export interface PolicyState {
  schema: GraphQLSchema;
  index: LabelIndex;
  /** Changes with every supergraph, so that no plan outlives the schema it was made for. */
  version: string;
}

export type OperationPlan =
  | { kind: "invalid"; status: 400; errors: GraphQLFormattedError[] }
  | { kind: "reject"; denials: readonly Denial[] }
  | {
      kind: "execute";
      /** The rewritten operation; null when every field was denied and nothing is left to execute. */
      query: string | null;
      variableDefinitions: readonly VariableDefinitionNode[];
      redaction: readonly RedactionEntry[];
      /** Response keys of the operation's root selection, in order. */
      rootOrder: readonly string[];
      banner: ReadonlyMap<string, BannerEntry>;
    };

export interface PlannerOptions {
  mode: "redact" | "reject";
  maxDepth: number;
  maxAliases: number;
  /** Most fields an operation may select once its fragments are expanded. */
  maxFields: number;
  /** Most plans kept; the caches are also bounded by the size of what they hold. */
  cacheSize: number;
}

/** Bytes of query text the two caches may hold between them, roughly; a plan keeps a few copies of its text. */
const CACHE_TEXT_BUDGET = 64 * 1024 * 1024;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64url");

// Suggestions name fields the caller did not ask for: schema details a client need not learn.
const withoutSuggestions = (message: string) => message.replace(/ Did you mean .*\?$/, "");

/**
 * From an operation and a caller to the operation the planner may see: parse,
 * validate, inline fragments, check limits, decide every field, remove the
 * denied ones, and plan the banner. The result depends only on the query, the
 * operation name, the caller's attributes and the schema, so it is cached on
 * exactly those; the rewritten text is what reaches the query planner, which
 * therefore caches its plans per rewritten document, never across callers
 * with different decisions.
 */
export class OperationPlanner {
  private readonly plans: LruCache<string, OperationPlan>;
  private readonly documents: LruCache<string, DocumentNode | GraphQLFormattedError[]>;

  constructor(private readonly options: PlannerOptions) {
    this.plans = new LruCache(options.cacheSize, CACHE_TEXT_BUDGET / 2, (plan) => 1024 + 4 * (plan.kind === "execute" ? (plan.query?.length ?? 0) : 0));
    this.documents = new LruCache(options.cacheSize, CACHE_TEXT_BUDGET / 2, (document) => 1024 + (Array.isArray(document) ? 0 : 4 * (document.loc?.source.body.length ?? 0)));
  }

  plan(state: PolicyState, query: string, operationName: string | undefined, principal: Principal, now = new Date()): OperationPlan {
    const queryHash = sha256(query);
    const key = `${state.version}\u0000${queryHash}\u0000${operationName ?? ""}\u0000${subjectKey(principal)}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.build(state, queryHash, query, operationName, principal, now);
      this.plans.set(key, plan);
    }
    return plan;
  }

  get cachedPlans(): number {
    return this.plans.size;
  }

  private validDocument(state: PolicyState, queryHash: string, query: string): DocumentNode | GraphQLFormattedError[] {
    const key = `${state.version}\u0000${queryHash}`;
    let cached = this.documents.get(key);
    if (!cached) {
      cached = parseAndValidate(state.schema, query);
      this.documents.set(key, cached);
    }
    return cached;
  }

  private build(state: PolicyState, queryHash: string, query: string, operationName: string | undefined, principal: Principal, now: Date): OperationPlan {
    const document = this.validDocument(state, queryHash, query);
    if (Array.isArray(document)) return { kind: "invalid", status: 400, errors: document };
    let operation;
    try {
      operation = inlineFragments(document, operationName, this.options.maxFields);
    } catch (error) {
      if (error instanceof OperationTooLargeError) return invalid("OPERATION_TOO_COMPLEX", error.message);
      throw error;
    }
    if (!operation) return invalid("OPERATION_RESOLUTION_FAILURE", "Name the operation to run with operationName");
    if (operation.operation !== "query") return invalid("OPERATION_NOT_SUPPORTED", "Only query operations are supported");

    const limitErrors: GraphQLError[] = [];
    visit(operation, limitsRule({ maxDepth: this.options.maxDepth, maxAliases: this.options.maxAliases, onError: (e) => limitErrors.push(e) }));
    if (limitErrors.length > 0) return { kind: "invalid", status: 400, errors: limitErrors.map((e) => e.toJSON()) };

    const root = state.schema.getQueryType()!.name;
    const denials: Denial[] = [];
    const typeInfo = new TypeInfo(state.schema);
    visit(operation, visitWithTypeInfo(typeInfo, labelCheckRule({ scope: new SelectionScope(state.schema, typeInfo, root), index: state.index, principal, context: { now: now.getTime() }, onDenial: (d) => denials.push(d) })));

    if (operationOutcome(denials, this.options.mode) === "reject") {
      return { kind: "reject", denials };
    }
    const tree = redactionTree(denials);
    let empty = false;
    const rewritten = denials.length === 0 ? operation : (visit(operation, removeDeniedRule({ denied: new Set(denials.map((d) => d.place.node)), needsTypename: tree.needsTypename, onEmptyOperation: () => (empty = true) })) as OperationDefinitionNode);

    const banner = new Map<string, BannerEntry>();
    if (!empty) {
      const bannerTypeInfo = new TypeInfo(state.schema);
      visit(rewritten, visitWithTypeInfo(bannerTypeInfo, bannerPlanRule({ scope: new SelectionScope(state.schema, bannerTypeInfo, root), index: state.index, root: banner })));
    }
    return {
      kind: "execute",
      query: empty ? null : print(rewritten),
      variableDefinitions: operation.variableDefinitions ?? [],
      redaction: tree.entries,
      rootOrder: responseKeyOrder(operation.selectionSet),
      banner,
    };
  }
}

function parseAndValidate(schema: GraphQLSchema, query: string): DocumentNode | GraphQLFormattedError[] {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 10_000 });
  } catch (error) {
    const e = error as GraphQLError;
    return [{ message: e.message, locations: e.locations, extensions: { code: "GRAPHQL_PARSE_FAILED" } }];
  }
  const errors = validate(schema, document, specifiedRules);
  if (errors.length > 0) {
    return errors.map((e) => ({ message: withoutSuggestions(e.message), locations: e.locations, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }));
  }
  return document;
}

const invalid = (code: string, message: string): OperationPlan => ({ kind: "invalid", status: 400, errors: [{ message, extensions: { code } }] });
