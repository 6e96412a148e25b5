import { buildSchema, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { MAX_NESTING, queryNestsDeeperThan, valueNestsDeeperThan } from "../../gateway/enforcement/nesting.js";
import { parseAndValidate } from "../../gateway/enforcement/parse-and-validate.js";
import { checkVariables } from "../../gateway/enforcement/variables.js";
import { sanitiseError, withoutSuggestions } from "../../gateway/errors.js";

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 1; i < depth; i++) value = [value];
  return depth === 0 ? leaf : [value];
};

describe("nesting in the query text", () => {
  it("counts braces, brackets and parentheses as they open, up to the limit and not past it", () => {
    expect(queryNestsDeeperThan("{ a { b(c: [[1]]) } }", 5, 100)).toBe(false);
    expect(queryNestsDeeperThan("{ a { b(c: [[1]]) } }", 4, 100)).toBe(true);
    expect(queryNestsDeeperThan(`${"{".repeat(10)}${"}".repeat(10)} ${"{".repeat(10)}`, 10, 100)).toBe(false);
  });

  it("does not count brackets inside strings, block strings or comments", () => {
    const text = `{ a(s: "${"[".repeat(50)}", t: """${"{".repeat(50)}""") # ${"(".repeat(50)}\n }`;
    expect(queryNestsDeeperThan(text, 3, 100)).toBe(false);
  });

  it("stops reading after the token limit, and leaves a lexical error to the parser", () => {
    expect(queryNestsDeeperThan(`${"{ ".repeat(20)}`, 10, 5)).toBe(false);
    expect(queryNestsDeeperThan('{ a(s: "unterminated) { { { {', 2, 100)).toBe(false);
  });

  it("makes the parser refuse deep nesting with NESTING_TOO_DEEP, and any failure of the parser itself without its message", () => {
    const schema = buildSchema("type Query { a(x: [[[Int]]]): Int }");
    const deep = `{ a(x: ${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}) }`;
    expect(parseAndValidate(schema, deep)).toEqual([
      { message: `The operation nests brackets more than ${MAX_NESTING} deep`, extensions: { code: "NESTING_TOO_DEEP" } },
    ]);
    expect(Array.isArray(parseAndValidate(schema, "{ a(x: [[[1]]]) }"))).toBe(false);
    expect(parseAndValidate(schema, "{ a(")).toMatchObject([{ extensions: { code: "GRAPHQL_PARSE_FAILED" } }]);
  });
});

describe("nesting in the variables", () => {
  it("measures arrays and objects without recursion, the variables object itself at depth 1", () => {
    expect(valueNestsDeeperThan({ a: nested(MAX_NESTING - 1) }, MAX_NESTING)).toBe(false);
    expect(valueNestsDeeperThan({ a: nested(MAX_NESTING) }, MAX_NESTING)).toBe(true);
    expect(valueNestsDeeperThan({ a: nested(200_000) }, MAX_NESTING)).toBe(true);
    expect(valueNestsDeeperThan({ a: "x", b: null, c: [1, { d: true }] }, 3)).toBe(false);
  });
});

describe("variables coerced before execution", () => {
  const schema = buildSchema(`
    type Query { things(kind: Kind, filter: Filter, ids: [ID!]): [String] }
    enum Kind { IPV4 DOMAIN }
    input Filter { kind: Kind, since: String }
  `);
  const definitionsOf = (query: string) => (parse(query).definitions[0] as OperationDefinitionNode).variableDefinitions ?? [];
  const errorsOf = (query: string, variables: Record<string, unknown>) => checkVariables(schema, definitionsOf(query), variables).errors;

  it("refuses a wrong enum value, an unknown input field or a wrong list with BAD_USER_INPUT and no suggestion", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["query ($k: Kind) { things(kind: $k) }", { k: "ipv4" }],
      ["query ($f: Filter) { things(filter: $f) }", { f: { knd: "IPV4" } }],
      ["query ($f: Filter) { things(filter: $f) }", { f: { kind: "domian" } }],
      ["query ($i: [ID!]) { things(ids: $i) }", { i: [null] }],
    ];
    for (const [query, variables] of cases) {
      const errors = errorsOf(query, variables);
      expect(errors?.length).toBeGreaterThan(0);
      for (const error of errors!) {
        expect(error.extensions).toEqual({ code: "BAD_USER_INPUT" });
        expect(error.message).not.toMatch(/did you mean/i);
        expect(error.message).not.toContain('IPV4"?');
      }
    }
    expect(errorsOf("query ($f: Filter) { things(filter: $f) }", { f: { knd: "IPV4" } })![0]!.message).not.toContain('"kind"');
  });

  it("gives good variables back as execution sees them: defaults applied, enum and input values coerced", () => {
    const query = "query ($k: Kind = DOMAIN, $f: Filter, $i: [ID!]) { things(kind: $k, filter: $f, ids: $i) }";
    expect(checkVariables(schema, definitionsOf(query), { f: { kind: "IPV4" }, i: "7" })).toEqual({
      coerced: { k: "DOMAIN", f: { kind: "IPV4" }, i: ["7"] },
    });
    expect(checkVariables(schema, definitionsOf(query), { k: "nope" }).coerced).toBeUndefined();
  });

  it("accepts good variables, and reports at most ten errors", () => {
    expect(errorsOf("query ($k: Kind, $f: Filter) { things(kind: $k, filter: $f) }", { k: "IPV4", f: { kind: "DOMAIN" } })).toBeUndefined();
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, "nope"]));
    const query = `query (${Object.keys(many)
      .map((name) => `$${name}: Kind`)
      .join(", ")}) { things(kind: $v0) }`;
    expect(errorsOf(query, many)!.length).toBeLessThanOrEqual(11);
  });

  it("refuses values nested past the limit before coercing anything, used by the operation or not", () => {
    const errors = errorsOf("query ($k: Kind) { things(kind: $k) }", { k: "IPV4", unused: nested(MAX_NESTING + 5) });
    expect(errors).toEqual([
      { message: `The variables nest values more than ${MAX_NESTING} deep`, extensions: { code: "NESTING_TOO_DEEP" } },
    ]);
  });
});

describe("suggestions in messages that come back from elsewhere", () => {
  it("are cut from any public message on its way out", () => {
    expect(withoutSuggestions('Value "ipv4" does not exist in "IndicatorKind" enum. Did you mean the enum value "IPV4"?')).toBe(
      'Value "ipv4" does not exist in "IndicatorKind" enum.',
    );
    expect(withoutSuggestions('Cannot query field "nam" on type "Actor". Did you mean\n"name" or "alias"?')).toBe(
      'Cannot query field "nam" on type "Actor".',
    );
    const formatted = sanitiseError({ message: 'Bad. Did you mean "x"?', extensions: { code: "BAD_USER_INPUT" } });
    expect(formatted).toEqual({ message: "Bad.", extensions: { code: "BAD_USER_INPUT" } });
  });
});
