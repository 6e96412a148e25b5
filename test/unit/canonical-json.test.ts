import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestDigest } from "../../lib/access-envelope.js";
import { canonicalJson, NonFiniteNumber } from "../../lib/canonical-json.js";

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

/** The definition, written plainly: what canonicalJson must write for any value, whichever way it gets there. */
function reference(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error("not finite");
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${Array.from(value, (item) => reference(item)).join(",")}]`;
  const members = Object.keys(value)
    .sort()
    .filter((key) => !["undefined", "function", "symbol"].includes(typeof (value as Record<string, unknown>)[key]))
    .map((key) => `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`);
  return `{${members.join(",")}}`;
}

describe("canonical JSON, already-sorted values written natively", () => {
  // Values whose keys are in order are handed to JSON.stringify whole: everything it would write differently must
  // be caught first.
  it.each<[string, unknown]>([
    ["sorted at every depth", { a: [{ __typename: "T", id: "1" }], b: { c: null, d: [1, "x", true] } }],
    ["integer-like keys, which enumerate in numeric order", { "1": 1, "2": 2, "10": 3, "9": 4 }],
    ["integer-like keys nested", { a: { "10": 1, "9": 2 } }],
    ["a Date, which JSON.stringify writes through toJSON", { a: new Date(0) }],
    ["an own toJSON member", { a: 1, toJSON: () => "x" }],
    ["a toJSON member nested", { a: { toJSON: () => "x" } }],
    ["an array's own toJSON", { a: Object.assign([1], { toJSON: () => "x" }) }],
    ["a toJSON member that is not a function", { a: 1, toJSON: 2 }],
    ["a boxed string", { a: new String("ab") }],
    ["a boxed number", [new Number(3)]],
    [
      "an object of a class",
      {
        a: new (class Point {
          x = 1;
          y = 2;
        })(),
      },
    ],
    ["an object with no prototype", { a: Object.assign(Object.create(null), { b: 1, a: 2 }) }],
    ["a sorted object with no prototype", Object.assign(Object.create(null), { a: 1, b: 2 })],
    ["an array of a subclass", { a: new (class List extends Array {})() }],
    [
      "an array of a subclass with toJSON",
      {
        a: new (class List extends Array {
          toJSON = () => "x";
        })(),
      },
    ],
    ["members with no JSON form", { a: undefined, b: () => 1, c: Symbol("s"), d: 1 }],
    ["items with no JSON form", { a: [undefined, () => 1, Symbol("s"), 1] }],
    ["an array with holes", { a: Object.assign(new Array(5), { 1: "x", 4: 1 }) }],
    ["empty things", { a: {}, b: [], c: "" }],
    ["negative zero and large numbers", { a: -0, b: 1e21, c: 5e-7 }],
  ])("%s", (_, value) => {
    expect(canonicalJson(value)).toBe(reference(value));
  });

  afterEach(() => vi.restoreAllMocks());

  /** Whether canonicalJson handed `value` whole to JSON.stringify. */
  const handedWhole = (value: unknown) => {
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      canonicalJson(value);
    } catch {
      // refused: judged by the calls made before
    }
    const whole = stringify.mock.calls.some(([argument]) => argument === value);
    stringify.mockRestore();
    return whole;
  };

  it.each<[string, unknown]>([
    [
      "entity representations",
      {
        representations: [
          { __typename: "T", id: "1" },
          { __typename: "T", id: "2" },
        ],
      },
    ],
    ["an array at the root", [{ a: 1, b: [2, { c: 3 }] }, "x", null, true]],
    ["an object with no prototype", Object.assign(Object.create(null), { a: 1, b: { c: 2 } })],
    ["members and items with no JSON form", { a: undefined, b: [undefined, () => 1], c: () => 1 }],
    ["integer-like keys in order both ways", { "1": 1, "2": { "3": 3 } }],
    ["an empty object", {}],
  ])("hands an already-sorted value to JSON.stringify whole: %s", (_, value) => {
    expect(handedWhole(value)).toBe(true);
    expect(canonicalJson(value)).toBe(reference(value));
  });

  it.each<[string, unknown]>([
    ["unsorted keys at the root", { b: 1, a: 2 }],
    ["unsorted keys deep down", { a: [{ b: { d: 1, c: 2 } }] }],
    ["unsorted keys in an array's object", [1, { b: 1, a: 2 }]],
    ["integer-like keys", { "10": 1, "9": 2 }],
    ["a Date", { a: new Date(0) }],
    ["an own toJSON", { toJSON: () => "x" }],
    ["an array's own toJSON", { a: Object.assign([1], { toJSON: () => "x" }) }],
    ["a toJSON that is not a function", { toJSON: 1 }],
    ["a boxed string", [new String("ab")]],
    [
      "an object of a class",
      [
        new (class Point {
          x = 1;
        })(),
      ],
    ],
    [
      "an array of a subclass with toJSON",
      {
        a: new (class List extends Array {
          toJSON = () => "x";
        })(),
      },
    ],
    ["an array of a subclass at the root", new (class List extends Array {})()],
    [
      "an object of a class at the root",
      new (class Point {
        x = 1;
      })(),
    ],
    ["Infinity", { a: Number.POSITIVE_INFINITY }],
    ["NaN in an array", [Number.NaN]],
    ["a BigInt", { a: 1n }],
  ])("sorts it itself when JSON.stringify would write it otherwise: %s", (_, value) => {
    expect(handedWhole(value)).toBe(false);
  });

  it.each<[string, unknown]>([
    ["Infinity in a sorted object", { a: 1, b: Number.POSITIVE_INFINITY }],
    ["NaN in a sorted array", [1, Number.NaN]],
    ["-Infinity deep in sorted values", { a: [{ b: [Number.NEGATIVE_INFINITY] }] }],
  ])("refuses a number that is not finite: %s", (_, value) => {
    expect(() => canonicalJson(value)).toThrow(NonFiniteNumber);
    expect(() => canonicalJson(value)).toThrow("a number that is not finite has no JSON form");
  });

  it("does not hand anything whole to JSON.stringify while a prototype carries a toJSON (a polluted prototype)", () => {
    const sorted = { a: [1], b: { c: 2 } };
    Object.defineProperty(Object.prototype, "toJSON", { value: () => "polluted", configurable: true, enumerable: false });
    try {
      expect(handedWhole(sorted)).toBe(false);
    } finally {
      delete (Object.prototype as { toJSON?: unknown }).toJSON;
    }
    expect(handedWhole(sorted)).toBe(true);
  });

  it("does not hand a JSON.rawJSON value (Node 22 on) to JSON.stringify, which would write its text as it is", async () => {
    const raw = { a: 1 };
    const json = JSON as { isRawJSON?: (value: unknown) => boolean };
    json.isRawJSON = (value) => value === raw;
    try {
      vi.resetModules();
      const fresh = (await import("../../lib/canonical-json.js")).canonicalJson;
      const stringify = vi.spyOn(JSON, "stringify");
      const root = { b: [raw] };
      fresh(root);
      expect(stringify.mock.calls.some(([argument]) => argument === root)).toBe(false);
    } finally {
      delete json.isRawJSON;
      vi.resetModules();
    }
  });

  it("refuses a BigInt, as JSON.stringify does, sorted or not", () => {
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ b: 1, a: 1n })).toThrow(TypeError);
  });

  it("writes 2,000 random values, sorted and unsorted, exactly as the definition does", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const keys = ["a", "b", "B", "__typename", "id", "9", "10", "é", "", "toJSON"];
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 3 ? 6 : 9));
      if (pick === 0) return null;
      if (pick === 1) return Math.floor(random() * 1000) - 500;
      if (pick === 2) return `s${Math.floor(random() * 10)}`;
      if (pick === 3) return random() < 0.5;
      if (pick === 4) return undefined;
      if (pick === 5) return random() < 0.5 ? 0.5 : -0;
      if (pick === 6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const object: Record<string, unknown> = {};
      const chosen = keys.filter(() => random() < 0.3).filter((key) => key !== "toJSON" || random() < 0.1);
      // Half of the objects get their keys in sorted order, so that the native path is taken often.
      if (random() < 0.5) chosen.sort();
      for (const key of chosen) object[key] = value(depth + 1);
      return object;
    };
    let native = 0;
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      let expected: string | Error;
      try {
        expected = reference(v);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) expect(() => canonicalJson(v)).toThrow();
      else expect(canonicalJson(v)).toBe(expected);
      if (typeof v === "object" && v !== null && JSON.stringify(v) === expected) native++;
    }
    // The random values do exercise the native path (and the sorting one, the rest).
    expect(native).toBeGreaterThan(200);
  });
});
