/**
 * JSON with object keys in UTF-16 code-unit order at every depth and no spaces (RFC 8785's key ordering; numbers and
 * strings as JSON.stringify writes them). Two sides that serialise the same value this way get the same bytes, so a
 * digest of it cannot drift between the gateway and a subgraph. A number that is not finite has no JSON form (JSON
 * writes it as null, which would give Infinity and null one digest) and is refused.
 */
export function canonicalJson(value: unknown): string {
  // Most values digested are already in canonical order (a subgraph fetch's variables: entity representations whose
  // keys are "__typename" then "id"); for those, the native serializer writes the same bytes about twice as fast.
  // Tried at the root only: an unsorted root (an audit event) is found at its first keys, while trying every member
  // of one again made audit events a third slower to write.
  if (typeof value === "object" && value !== null && writtenAsIs(value)) return JSON.stringify(value);
  return canonicalText(value);
}

function canonicalText(value: unknown): string {
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
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + canonicalText(value[i]);
    return `${text}]`;
  }
  const object = value as Record<string, unknown>;
  // sort() with no comparator orders strings by UTF-16 code units, as RFC 8785 does.
  const keys = Object.keys(object).sort();
  let text = "{";
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    text += `${text.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalText(item)}`;
  }
  return `${text}}`;
}

/**
 * Whether JSON.stringify writes `value` exactly as canonicalJson would: plain objects and arrays only (no toJSON, no
 * prototype of their own, nothing boxed), every object's keys already in UTF-16 code-unit order as they are enumerated
 * (integer-like keys enumerate in numeric order, "9" before "10", so such an object is caught here and sorted
 * below), and every number finite (JSON.stringify would write Infinity as null; canonicalJson refuses it). Members
 * and items with no JSON form (undefined, functions, symbols) are written alike by both, so they pass. Each object's
 * own order is checked before its members, so an unsorted object (an audit event) is found at once. A value is read
 * here and again by JSON.stringify: getters and proxies that answer differently the second time are not supported
 * (no value from JSON.parse, from Apollo's entity representations or from an audit event has either).
 */
function writtenAsIs(value: object): boolean {
  // JSON.stringify calls a toJSON it finds anywhere on the chain: one of the value's own, or a polluted prototype's.
  if ("toJSON" in value) return false;
  // JSON.rawJSON (Node 22 on) is written as its text, which need not be canonical ("1e2").
  if (isRawJson?.(value)) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    // Stryker disable next-line EqualityOperator: equivalent: value[value.length] is undefined, which passes
    for (let i = 0; i < value.length; i++) if (!memberAsIs(value[i])) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const keys = Object.keys(value);
  // Stryker disable next-line EqualityOperator: equivalent: an object's keys are distinct, so never equal
  for (let i = 1; i < keys.length; i++) if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  const object = value as Record<string, unknown>;
  for (const key of keys) if (!memberAsIs(object[key])) return false;
  return true;
}

const isRawJson = (JSON as { isRawJSON?: (value: unknown) => boolean }).isRawJSON;

function memberAsIs(member: unknown): boolean {
  switch (typeof member) {
    case "number":
      return Number.isFinite(member);
    case "object":
      return member === null || writtenAsIs(member);
    case "bigint":
      return false;
    default:
      return true;
  }
}

/** A value that has no canonical JSON form: a request carrying one cannot be vouched for. */
export class NonFiniteNumber extends Error {
  constructor() {
    super("a number that is not finite has no JSON form");
  }
}
