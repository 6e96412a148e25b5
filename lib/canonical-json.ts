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
  // Built by concatenation, with no intermediate arrays: every operation's audit event and every subgraph fetch's
  // variables pass through here.
  if (Array.isArray(value)) {
    // An undefined item is written "null" (above), as JSON.stringify writes it in an array.
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + canonicalJson(value[i]);
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  // sort() with no comparator orders strings by UTF-16 code units, as RFC 8785 does.
  const keys = Object.keys(object).sort();
  let text = "{";
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    text += `${text.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${text}}`;
}

/** A value that has no canonical JSON form: a request carrying one cannot be vouched for. */
export class NonFiniteNumber extends Error {
  constructor() {
    super("a number that is not finite has no JSON form");
  }
}
