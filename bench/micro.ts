import { performance } from "node:perf_hooks";
import type { Principal } from "../gateway/auth/principal.js";
import { OperationPlanner } from "../gateway/enforcement/plan.js";
import { composeTestSupergraph, policyStateOf } from "../test/support/policy-harness.js";

const caller: Principal = {
  sub: "bench",
  nation: "GBR",
  issuer: "https://idp.bench",
  tokenId: "1",
  clearance: "SECRET",
  compartments: new Set(),
  purposes: new Set(["CT"]),
  purpose: "CT",
  scopes: new Set(),
  expiresAt: 0,
};

/** A one-nation supergraph with `types` object types of `fieldsPerType` labelled fields each. */
function syntheticSupergraph(types: number, fieldsPerType: number): string {
  const typeNames = Array.from({ length: types }, (_, t) => `T${t}`);
  const query = `type Query @label(level: RESTRICTED, releasableTo: ["NATO"]) { root: T0 ${typeNames.map((n) => `${n.toLowerCase()}: ${n}`).join(" ")} }`;
  const bodies = typeNames.map((name, t) => {
    const next = typeNames[(t + 1) % types]!;
    const fields = Array.from({ length: fieldsPerType }, (_, f) =>
      f % 5 === 4 ? `f${f}: String @label(level: SECRET, releasableTo: ["FVEY"])` : `f${f}: String`,
    );
    return `type ${name} @label(level: RESTRICTED, releasableTo: ["NATO"]) { next: ${next} ${fields.join(" ")} }`;
  });
  return composeTestSupergraph({ GBR: [query, ...bodies].join("\n") });
}

/** An operation selecting about `fields` fields: 10 per level, nested through `next`. */
function operationWith(fields: number): string {
  const levels = Math.max(1, Math.round(fields / 11));
  let body = "";
  for (let level = levels - 1; level >= 0; level--) {
    const leaves = Array.from({ length: 10 }, (_, f) => `f${f}`).join(" ");
    body = level === levels - 1 ? leaves : `${leaves} next { ${body} }`;
  }
  return `{ root { ${body} } }`;
}

/** Median microseconds to plan one operation from scratch (cache missed on purpose). */
function timePlan(supergraph: string, query: string, iterations: number): number {
  const state = policyStateOf(supergraph);
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const planner = new OperationPlanner({
      mode: "redact",
      maxDepth: 1000,
      maxAliases: 1000,
      maxDirectives: 1000,
      maxCost: Number.MAX_SAFE_INTEGER,
      maxFields: 5000,
      cacheSize: 10,
    });
    const start = performance.now();
    const plan = planner.plan(state, query, undefined, caller);
    times.push(performance.now() - start);
    if (plan.kind !== "execute") throw new Error(`micro-benchmark plan failed: ${JSON.stringify(plan)}`);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 1000);
}

export interface MicroResult {
  byOperationSize: Array<{ fields: number; us_per_operation: number }>;
  bySchemaSize: Array<{ labelled_fields: number; us_per_operation: number }>;
}

export function runMicro(iterations = 30): MicroResult {
  const schemaForOperations = syntheticSupergraph(100, 10);
  const byOperationSize = [10, 100, 1000].map((fields) => ({
    fields,
    us_per_operation: timePlan(schemaForOperations, operationWith(fields), iterations),
  }));
  const query = operationWith(100);
  const bySchemaSize = [100, 1000, 10000].map((labelled) => ({
    labelled_fields: labelled,
    us_per_operation: timePlan(syntheticSupergraph(Math.max(10, labelled / 10), 10), query, iterations),
  }));
  return { byOperationSize, bySchemaSize };
}
