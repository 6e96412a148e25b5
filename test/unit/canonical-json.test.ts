import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { requestDigest } from "../../lib/access-envelope.js";
import { canonicalJson } from "../../lib/canonical-json.js";

// The one serializer both sides digest with: the gateway when it signs, the subgraph when it checks.

const QUERY = "query ($id: ID!) { threatActor(id: $id) { name } }";

describe("canonical JSON", () => {
  it("orders keys at every depth, drops undefined members and writes no spaces", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: "é" }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson("\u2028")).toBe(JSON.stringify("\u2028"));
  });

  it("gives the same digest however the variables' keys are ordered, and treats no variables as {}", () => {
    expect(requestDigest(QUERY, { a: 1, b: 2 })).toBe(requestDigest(QUERY, { b: 2, a: 1 }));
    expect(requestDigest(QUERY, null)).toBe(requestDigest(QUERY, {}));
    expect(requestDigest(QUERY, { a: 1 })).not.toBe(requestDigest(QUERY, { a: 2 }));
    expect(requestDigest(`${QUERY} `, { a: 1 })).not.toBe(requestDigest(QUERY, { a: 1 }));
  });
});

describe("canonical JSON, exactly", () => {
  it.each<[string, unknown, string]>([
    ["undefined alone", undefined, "null"],
    ["a function alone", () => 1, "null"],
    ["a symbol alone", Symbol("s"), "null"],
    ["null", null, "null"],
    ["numbers and strings as JSON.stringify writes them", [1e21, -0, 0.1, "\u2028", '"'], '[1e+21,0,0.1,"\u2028","\\""]'],
    ["members with no JSON form left out", { f() {}, s: Symbol("s"), u: undefined, n: null, z: 0 }, '{"n":null,"z":0}'],
    ["items with no JSON form written as null", [() => 1, Symbol("s"), undefined, null], "[null,null,null,null]"],
    ["nested arrays kept in order", [3, [2, [1, []]], [{}]], "[3,[2,[1,[]]],[{}]]"],
    ["an empty object", {}, "{}"],
    [
      "keys in UTF-16 code-unit order, as RFC 8785 sorts",
      { b: 1, a: 2, B: 3, "": 4, aa: 5, é: 6, "😀": 7, "\uffff": 8, "10": 9, "9": 10 },
      '{"":4,"10":9,"9":10,"B":3,"a":2,"aa":5,"b":1,"é":6,"😀":7,"\uffff":8}',
    ],
    [
      "keys ordered inside arrays and nested objects",
      { z: [{ b: 1, a: { d: 1, c: 2 } }], y: { y: 1, x: 2 } },
      '{"y":{"x":2,"y":1},"z":[{"a":{"c":2,"d":1},"b":1}]}',
    ],
  ])("%s", (_, value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it("is the same for two objects that differ only in member order or in members with no JSON form", () => {
    expect(canonicalJson({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      canonicalJson({ b: [1, { d: 3, c: 2 }], a: 1, f: () => 1, s: Symbol("s") }),
    );
  });

  it("digests the canonical JSON of { query, variables } with SHA-256 in base64url; no variables, null and {} are one request", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("base64url");
    expect(requestDigest("{ a }", { b: 1, a: [2] })).toBe(sha('{"query":"{ a }","variables":{"a":[2],"b":1}}'));
    for (const none of [undefined, null, {}]) expect(requestDigest("{ a }", none)).toBe(sha('{"query":"{ a }","variables":{}}'));
    expect(requestDigest("{ a }", { a: undefined })).toBe(requestDigest("{ a }", {}));
    expect(requestDigest("{ a }", { a: null })).not.toBe(requestDigest("{ a }", {}));
  });

  it("gives the canonical digest again and again for one query text, and for more texts than it keeps hash states of", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("base64url");
    const canonical = (query: string, variables: Record<string, unknown>) => sha(canonicalJson({ query, variables }));
    const query = '{ b(x: "\\u00e9\\"") { c } }';
    for (const variables of [{ n: 1 }, { n: 2 }, { n: 1 }, {}]) expect(requestDigest(query, variables)).toBe(canonical(query, variables));
    for (let i = 0; i < 2500; i++) expect(requestDigest(`{ f${i % 1200} }`, { i })).toBe(canonical(`{ f${i % 1200} }`, { i }));
  });
});
