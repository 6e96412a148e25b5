import { describe, expect, it } from "vitest";
import { type PlanOptions, planOf, SECRET_GBR } from "../support/plan-harness.js";

// Depth, aliases and directives: graphql-armor's rules, run while the operation is validated (armor-limits.ts).

const refusal = (operation: string, limits: PlanOptions["limits"]) => {
  const { plan } = planOf(operation, SECRET_GBR, { limits });
  return plan.kind === "invalid" ? plan.errors.map((e) => `${String(e.extensions?.code)}: ${e.message}`) : [];
};

describe("graphql-armor's limits, before the walk", () => {
  it("allows an operation exactly at the depth limit and refuses one field deeper", () => {
    expect(refusal(`{ actor(id: "1") { name } }`, { maxDepth: 2 })).toEqual([]);
    expect(refusal(`{ actor(id: "1") { name } }`, { maxDepth: 1 })).toEqual([
      "OPERATION_TOO_COMPLEX: Query depth limit of 1 exceeded, found 2.",
    ]);
  });

  it("counts depth through fragments, which add no level of their own", () => {
    const op = `{ search { ... on Memo { ...T } } } fragment T on Memo { title }`;
    expect(refusal(op, { maxDepth: 2 })).toEqual([]);
    expect(refusal(op, { maxDepth: 1 })).toHaveLength(1);
  });

  it("counts fields the label check would deny: a denial does not hide depth", () => {
    expect(planOf(`{ actor(id: "1") { secretName } }`, { clearance: "UNCLASSIFIED" }, { limits: { maxDepth: 1 } }).summary.errors).toEqual([
      "OPERATION_TOO_COMPLEX",
    ]);
  });

  const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: actors { name }`).join(" ")} }`;

  it("allows exactly the alias limit and refuses one alias more", () => {
    expect(refusal(aliases(3), { maxAliases: 3 })).toEqual([]);
    expect(refusal(aliases(4), { maxAliases: 3 })).toEqual(["OPERATION_TOO_COMPLEX: Aliases limit of 3 exceeded, found 4."]);
  });

  it("counts nested aliases, and those of a fragment at every spread", () => {
    expect(refusal(`{ a: actors { b: name c: id } d: actors { name } }`, { maxAliases: 3 })).toHaveLength(1);
    const spread = `{ actors { ...A } strictActors { ...A } } fragment A on Actor { x: name y: id }`;
    expect(refusal(spread, { maxAliases: 4 })).toEqual([]);
    expect(refusal(spread, { maxAliases: 3 })).toHaveLength(1);
  });

  it("refuses directives past the limit, those of a fragment at every spread", () => {
    const skips = (n: number) => `{ actors { ${Array.from({ length: n }, (_, i) => `f${i}: name @include(if: true)`).join(" ")} } }`;
    expect(refusal(skips(3), { maxDirectives: 3, maxAliases: 10 })).toEqual([]);
    expect(refusal(skips(4), { maxDirectives: 3, maxAliases: 10 })).toEqual([
      "OPERATION_TOO_COMPLEX: Directives limit of 3 exceeded, found 4.",
    ]);
    const spread = `{ actors { ...A } strictActors { ...A } } fragment A on Actor { name @skip(if: false) id @skip(if: false) }`;
    expect(refusal(spread, { maxDirectives: 3 })).toHaveLength(1);
  });
});
