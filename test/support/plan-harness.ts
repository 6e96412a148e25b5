import type { EnforcementMode } from "@tearline/policy";
import { parse } from "graphql";
import { type OperationPlan, OperationPlanner, type PlannerOptions } from "../../gateway/enforcement/plan.js";
import type { PolicyState } from "../../gateway/enforcement/policy-state.js";
import type { RedactionEntry } from "../../gateway/enforcement/redaction-tree.js";
import { walkOperation } from "../../gateway/enforcement/walk-operation.js";
import { renderDeniedPaths } from "../../gateway/response/denied-paths.js";
import type { BannerEntry, QueryLimits, QueryRule } from "../../gateway/rules/context.js";
import { inlineFragments } from "../../gateway/transforms/inline-fragments.js";
import { type PrincipalSpec, policyStateOf, principal } from "./policy-harness.js";
import { TEST_SUPERGRAPH } from "./test-schema.js";

export const testState: PolicyState = policyStateOf(TEST_SUPERGRAPH);

/** British analysts cleared to SECRET and to CONFIDENTIAL: the callers of the planner's tests. */
export const SECRET_GBR: PrincipalSpec = { nation: "GBR", clearance: "SECRET" };
export const CONFIDENTIAL_GBR: PrincipalSpec = { nation: "GBR", clearance: "CONFIDENTIAL" };

export interface PlanOptions {
  mode?: EnforcementMode;
  operationName?: string;
  limits?: Partial<Pick<PlannerOptions, "maxDepth" | "maxAliases" | "maxDirectives" | "maxCost" | "maxFields">>;
  state?: PolicyState;
  now?: number;
}

/** The parts of a plan a test compares whole: its kind, the rewritten query, the exact denied paths, the error codes. */
export interface PlanSummary {
  kind: OperationPlan["kind"];
  /** The whole rewritten operation as printed for the query planner; null when nothing is left to run or it does not run. */
  query: string | null;
  /** `path:REASON+REASON`, with `@Type|Type` when the denial applies to some types only; sorted. */
  denied: string[];
  /** Error codes of an invalid plan. */
  errors: string[];
}

/** The harness's cost cap: far above anything its operations cost, unless a test sets its own. */
export const HARNESS_MAX_COST = 1_000_000;

export function plannerFor(options: PlanOptions = {}): OperationPlanner {
  return new OperationPlanner({
    mode: options.mode ?? "redact",
    maxDepth: 6,
    maxAliases: 3,
    maxDirectives: 10,
    maxCost: HARNESS_MAX_COST,
    maxFields: 5000,
    cacheSize: 100,
    ...options.limits,
  });
}

/** The harness: an operation and a caller in (on TEST_SUPERGRAPH unless told), the whole plan out as a summary. */
export function planOf(operation: string, caller: PrincipalSpec, options: PlanOptions = {}): { plan: OperationPlan; summary: PlanSummary } {
  const plan = plannerFor(options).plan(options.state ?? testState, operation, options.operationName, principal(caller), options.now);
  return { plan, summary: summarise(plan) };
}

export function summarise(plan: OperationPlan): PlanSummary {
  return {
    kind: plan.kind,
    query: plan.kind === "execute" ? plan.query : null,
    denied: deniedPaths(plan),
    errors: plan.kind === "invalid" ? plan.errors.map((e) => String(e.extensions?.code)) : [],
  };
}

export function deniedPaths(plan: OperationPlan): string[] {
  if (plan.kind === "reject")
    return renderDeniedPaths(plan.denials)
      .map((d) => `${d.path.join(".")}:${d.reasons.join("+")}`)
      .sort();
  if (plan.kind !== "execute") return [];
  const out: string[] = [];
  const walk = (entries: readonly RedactionEntry[], prefix: string) => {
    for (const entry of entries) {
      const path = prefix ? `${prefix}.${entry.key}` : entry.key;
      if (entry.reasons) out.push(`${path}:${entry.reasons.join("+")}${entry.onlyFor ? `@${[...entry.onlyFor].join("|")}` : ""}`);
      walk(entry.children, path);
    }
  };
  walk(plan.redaction, "");
  return out.sort();
}

/** A banner plan as `{ "path.to.key": "LEVEL" }`, for comparing whole. */
export function bannerLevels(banner: ReadonlyMap<string, BannerEntry>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of banner) {
    const path = prefix ? `${prefix}.${key}` : key;
    out[path] = entry.mark.level;
    Object.assign(out, bannerLevels(entry.children, path));
  }
  return out;
}

/**
 * Runs some query rules alone over an operation (fragments inlined), as
 * graphql-js's harness runs one validation rule: what each rule reports, and
 * nothing the others would have.
 */
export function runRules(rules: readonly QueryRule[], operation: string, caller: PrincipalSpec = {}, limits: Partial<QueryLimits> = {}) {
  const inlined = inlineFragments(parse(operation), undefined, 100_000);
  if (!inlined) throw new Error("the harness needs one operation");
  const result = walkOperation(testState, inlined, {
    subject: principal(caller),
    now: 0,
    rules,
    limits: { maxCost: HARNESS_MAX_COST, ...limits },
  });
  return {
    errors: result.errors.map((e) => `${String(e.extensions.code)}: ${e.message}`),
    denied: renderDeniedPaths(result.denials)
      .map((d) => `${d.path.join(".")}:${d.reasons.join("+")}`)
      .sort(),
    banner: bannerLevels(result.banner),
    validUntil: result.validUntil,
  };
}
