import { readFileSync } from "node:fs";
import { OperationPlanner } from "../gateway/enforcement/plan.js";
import { policyStateOf } from "../test/support/policy-harness.js";
import type { Attributes } from "./callers.js";

/**
 * The operation Tearline's planner leaves for a caller once their denied
 * fields are taken out: what T-redact's gateway actually asks its query
 * planner for. B-rewritten sends it to the plain gateway, so that T-redact/
 * B-rewritten compares the same work and measures enforcement, not asking
 * for less.
 */
export function rewrittenFor(supergraphPath: string, caller: Attributes, query: string): string {
  const planner = new OperationPlanner({
    mode: "redact",
    maxDepth: 12,
    maxAliases: 50,
    maxDirectives: 50,
    maxCost: Number.MAX_SAFE_INTEGER,
    maxFields: 1500,
    cacheSize: 10,
  });
  const subject = {
    nation: caller.nation,
    clearance: caller.clearance,
    compartments: new Set(caller.compartments ?? []),
    purpose: caller.purpose,
    scopes: new Set(caller.scope ? caller.scope.split(" ") : []),
  };
  const plan = planner.plan(policyStateOf(readFileSync(supergraphPath, "utf8")), query, undefined, subject);
  if (plan.kind !== "execute" || plan.query === null) throw new Error(`the planner left nothing to execute of ${query.slice(0, 60)}`);
  return plan.query;
}
