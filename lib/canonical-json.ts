/**
 * JSON with object keys in UTF-16 code-unit order at every depth and no spaces (RFC 8785's key ordering; numbers and
 * strings as JSON.stringify writes them). Two sides that serialise the same value this way get the same bytes, so a
 * digest of it cannot drift between the gateway and a subgraph. A number that is not finite has no JSON form (JSON
 * writes it as null, which would give Infinity and null one digest) and is refused.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) throw new NonFiniteNumber();
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; inside objects they are left out, as JSON.stringify does.
    return text === undefined ? "null" : text;
  }
  // An undefined item is written "null" (above), as JSON.stringify writes it in an array.
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined && typeof item !== "function" && typeof item !== "symbol")
    .sort(
      // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent: the keys of one object are distinct, and V8's sort only asks whether the comparator is negative, so a <= b for a < b, and 0 or 1 when a > b, sort the same
      ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0),
    );
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

/** A value that has no canonical JSON form: a request carrying one cannot be vouched for. */
export class NonFiniteNumber extends Error {
  constructor() {
    super("a number that is not finite has no JSON form");
  }
}
