import { describe, expect, it } from "vitest";
import { OperationPlanner, type OperationPlan } from "../../gateway/enforcement/plan.js";
import { renderDeniedPaths } from "../../gateway/response/denied-paths.js";
import type { RedactionEntry } from "../../gateway/enforcement/redaction-tree.js";
import { policyStateOf, principal, type PrincipalSpec } from "../support/policy-harness.js";
import { TEST_SUPERGRAPH } from "../support/test-schema.js";

const state = policyStateOf(TEST_SUPERGRAPH);
const planner = (mode: "redact" | "reject" = "redact") => new OperationPlanner({ mode, maxDepth: 6, maxAliases: 3, maxFields: 5000, cacheSize: 100 });

/** The harness: SDL (TEST_SUPERGRAPH), an operation and a caller in; denied paths and the rewritten query out. */
function check(query: string, caller: PrincipalSpec, operationName?: string, mode: "redact" | "reject" = "redact") {
  const plan = planner(mode).plan(state, query, operationName, principal(caller));
  return { plan, denied: deniedPaths(plan), query: plan.kind === "execute" ? plan.query : null };
}

function deniedPaths(plan: OperationPlan): string[] {
  if (plan.kind === "reject") return renderDeniedPaths(plan.denials).map((d) => `${d.path.join(".")}:${d.reasons.join("+")}`);
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

const SECRET_GBR: PrincipalSpec = { nation: "GBR", clearance: "SECRET" };
const CONFIDENTIAL_GBR: PrincipalSpec = { nation: "GBR", clearance: "CONFIDENTIAL" };

describe("the label check and the rewrite, before planning", () => {
  it("allows and keeps everything a cleared caller may see", () => {
    const { denied, query } = check(`{ actor(id: "1") { id name assessment } }`, SECRET_GBR);
    expect(denied).toEqual([]);
    expect(query).toContain("assessment");
  });

  it("decides on Type.field, never on the alias", () => {
    const { denied, query } = check(`{ actor(id: "1") { name innocent: secretName } }`, CONFIDENTIAL_GBR);
    expect(denied).toEqual(["actor.innocent:CLEARANCE"]);
    expect(query).not.toContain("secretName");
  });

  it("decides a named fragment at each place it is used", () => {
    const op = `{ a: actor(id: "1") { ...F } items { ...G } } fragment F on Actor { name secretName } fragment G on Item { title }`;
    const { denied, query } = check(op, CONFIDENTIAL_GBR);
    expect(denied).toEqual(["a.secretName:CLEARANCE", "items:CLEARANCE"]);
    expect(query).toContain("name");
    expect(query).not.toMatch(/fragment|secretName/);
  });

  it("needs every implementation's rule for a field selected on an interface", () => {
    // Memo.title is RESTRICTED for NATO, Cable.title TOP_SECRET for FVEY: a SECRET analyst may see only Memo's.
    const { denied } = check(`{ items { id title } }`, SECRET_GBR);
    expect(denied).toEqual(["items.title:CLEARANCE"]);
  });

  it("needs the label of every type an interface or union field can return", () => {
    // Cable is SECRET for FVEY: an Estonian analyst may not even learn that Cables exist.
    const { denied } = check(`{ search { __typename } items { __typename } }`, { nation: "EST", clearance: "TOP_SECRET" });
    expect(denied).toEqual(["items:RELEASABILITY", "search:RELEASABILITY"]);
  });

  it("decides per type condition, and marks those denials as applying to that type only", () => {
    const { denied, query } = check(`{ search { ... on Memo { title } ... on Cable { title } } }`, SECRET_GBR);
    expect(denied).toEqual(["search.title:CLEARANCE@Cable"]);
    expect(query).toContain("... on Memo");
    expect(query).not.toContain("... on Cable");
    expect(query).toContain("_tearline_typename: __typename");
  });

  it("checks fields under @skip/@include like any other, whatever the variables", () => {
    const { denied, query } = check(`query ($hide: Boolean!) { actor(id: "1") { name secretName @skip(if: $hide) } }`, CONFIDENTIAL_GBR);
    expect(denied).toEqual(["actor.secretName:CLEARANCE"]);
    expect(query).not.toContain("secretName");
  });

  it("drops variable definitions that only removed fields used", () => {
    const { query } = check(`query ($hide: Boolean!, $id: ID!) { actor(id: $id) { name secretName @skip(if: $hide) } }`, CONFIDENTIAL_GBR);
    expect(query).toContain("$id: ID!");
    expect(query).not.toContain("$hide");
  });

  it("never denies __typename, even beside denied fields", () => {
    const { denied, query } = check(`{ actor(id: "1") { __typename secretName } }`, { nation: "GBR", clearance: "RESTRICTED" });
    expect(denied).toEqual(["actor.secretName:CLEARANCE"]);
    expect(query).toMatch(/\{\s+__typename\s+\}/);
  });

  it("denies an entity key that a nation resolving it labels higher than the caller's clearance", () => {
    const { denied, query } = check(`{ actor(id: "1") { id name } }`, { nation: "GBR", clearance: "RESTRICTED" });
    expect(denied).toEqual(["actor.id:CLEARANCE"]);
    expect(query).toMatch(/actor\(id: "1"\) \{\s+name\s+\}/);
  });

  it("denies a field reached through @requires when the caller may not see what it requires", () => {
    // nickname is FRA's, computed from GBR's name; a FRA-only view of it would leak GBR's field.
    const { denied } = check(`{ actor(id: "1") { nickname } }`, { nation: "GBR", clearance: "SECRET", purpose: "CT" });
    expect(denied).toEqual([]);
    const gbrName = state.index.get("Actor.name")!;
    expect(state.index.get("Actor.nickname")!.requirements).toEqual(expect.arrayContaining([...gbrName.requirements]));
  });

  it("reports each reason category: releasability, compartment, purpose and scope", () => {
    const { denied } = check(`{ actor(id: "1") { euOnly codeword purposeBound scoped } }`, { nation: "GBR", clearance: "SECRET", purpose: "CYBER" });
    expect(denied).toEqual(["actor.codeword:COMPARTMENT", "actor.euOnly:RELEASABILITY", "actor.purposeBound:PURPOSE", "actor.scoped:SCOPE"]);
  });

  it("keeps a field whose children are all denied alive with an aliased __typename", () => {
    const { query } = check(`{ actor(id: "1") { secretName } }`, CONFIDENTIAL_GBR);
    expect(query).toMatch(/actor\(id: "1"\) \{\s+_tearline_typename: __typename\s+\}/);
  });

  it("leaves nothing to execute when every root field is denied", () => {
    const { plan, denied } = check(`{ actors { name } }`, { nation: "GBR", clearance: "UNCLASSIFIED" });
    expect(denied).toEqual(["actors:CLEARANCE"]);
    expect(plan).toMatchObject({ kind: "execute", query: null });
  });

  it("refuses the whole operation when a denied field's label says REJECT", () => {
    const { plan, denied } = check(`{ actor(id: "1") { name hot } }`, CONFIDENTIAL_GBR);
    expect(plan.kind).toBe("reject");
    expect(denied).toEqual(["actor.hot:CLEARANCE+RELEASABILITY"]);
  });

  it("refuses the whole operation for any denial in reject mode", () => {
    const { plan } = check(`{ actor(id: "1") { name secretName } }`, CONFIDENTIAL_GBR, undefined, "reject");
    expect(plan.kind).toBe("reject");
    expect(check(`{ actor(id: "1") { name } }`, CONFIDENTIAL_GBR, undefined, "reject").plan.kind).toBe("execute");
  });

  it("runs only the named operation", () => {
    const op = `query A { actor(id: "1") { secretName } } query B { actor(id: "1") { name } }`;
    expect(check(op, CONFIDENTIAL_GBR, "B").denied).toEqual([]);
    expect(check(op, CONFIDENTIAL_GBR, "A").denied).toEqual(["actor.secretName:CLEARANCE"]);
    expect(check(op, CONFIDENTIAL_GBR).plan).toMatchObject({ kind: "invalid", errors: [{ extensions: { code: "OPERATION_RESOLUTION_FAILURE" } }] });
  });

  it("refuses invalid operations without suggesting field names", () => {
    const { plan } = check(`{ actor(id: "1") { nam } }`, SECRET_GBR);
    expect(plan.kind).toBe("invalid");
    expect(JSON.stringify(plan)).not.toContain("Did you mean");
    expect(check(`{ actor(`, SECRET_GBR).plan).toMatchObject({ kind: "invalid", errors: [{ extensions: { code: "GRAPHQL_PARSE_FAILED" } }] });
  });

  it("refuses operations past the depth and alias limits, counting through fragments", () => {
    const deep = `{ actor(id: "1") { ...A } } fragment A on Actor { name }`;
    expect(check(deep, SECRET_GBR).plan.kind).toBe("execute");
    const aliases = `{ a: actor(id: "1") { name } b: actor(id: "2") { name } c: actor(id: "3") { name } d: actor(id: "4") { name } }`;
    expect(check(aliases, SECRET_GBR).plan).toMatchObject({ kind: "invalid", errors: [{ extensions: { code: "OPERATION_TOO_COMPLEX" } }] });
  });

  it("refuses fragments that multiply into a huge operation, before expanding them", () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join("\n");
    const started = Date.now();
    const { plan } = check(`query { ...F0 } ${fragments} fragment F30 on Query { __typename }`, SECRET_GBR);
    expect(plan).toMatchObject({ kind: "invalid", errors: [{ extensions: { code: "OPERATION_TOO_COMPLEX" } }] });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("decides one named fragment separately at each place: a denial at one place removes nothing at another", () => {
    const op = `{ search { ... on Memo { ...T } ... on Cable { ...T } } } fragment T on Item { title }`;
    const { query, denied } = check(op, SECRET_GBR);
    expect(denied).toEqual(["search.title:CLEARANCE@Cable"]);
    expect(query).toMatch(/\.\.\. on Memo \{\s+\.\.\. on Item \{\s+title/);
  });

  it("refuses aliases that the rewrite reserves for itself", () => {
    const { plan } = check(`{ actors { _tearline_typename: name } }`, SECRET_GBR);
    expect(plan).toMatchObject({ kind: "invalid", errors: [{ extensions: { code: "BAD_USER_INPUT" } }] });
  });

  it("caches plans by operation and attribute set, so callers with different attributes never share one", () => {
    const shared = planner();
    const op = `{ actor(id: "1") { name secretName } }`;
    const high = shared.plan(state, op, undefined, principal(SECRET_GBR));
    const low = shared.plan(state, op, undefined, principal(CONFIDENTIAL_GBR));
    expect(high).not.toBe(low);
    expect(shared.plan(state, op, undefined, principal(SECRET_GBR))).toBe(high);
    expect(shared.cachedPlans).toBe(2);
    if (high.kind !== "execute" || low.kind !== "execute") throw new Error("expected plans to execute");
    expect(high.query).not.toBe(low.query);
  });

  it("never lets compartment names that contain separators collide in the cache key", () => {
    const shared = planner();
    const op = `{ actor(id: "1") { name codeword } }`;
    const holder = shared.plan(state, op, undefined, principal({ ...SECRET_GBR, compartments: ["ORCHID", "X"] }));
    const pretender = shared.plan(state, op, undefined, principal({ ...SECRET_GBR, compartments: ["ORCHID,X"] }));
    expect(holder).not.toBe(pretender);
    expect(deniedPaths(pretender)).toEqual(["actor.codeword:COMPARTMENT"]);
  });
});
