import {
  type DirectiveNode,
  type GraphQLFormattedError,
  GraphQLIncludeDirective,
  type GraphQLOutputType,
  GraphQLSkipDirective,
  getDirectiveValues,
  isListType,
  isNonNullType,
} from "graphql";
import type { RedactionEntry } from "../enforcement/redaction-tree.js";
import { forbiddenField } from "../errors.js";
import { TYPENAME_ALIAS } from "../transforms/remove-denied.js";

type Json = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

const PROPAGATE = Symbol("propagate null");

function included(conditions: readonly DirectiveNode[], variables: Record<string, unknown>): boolean {
  if (conditions.length === 0) return true;
  const node = { directives: conditions } as unknown as Parameters<typeof getDirectiveValues>[1];
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
  } catch {
    return false; // a bad variable already failed execution; report nothing for it
  }
  return true;
}

/**
 * Puts back what the rewrite took out: `null` and a FORBIDDEN_FIELD error at
 * every denied path the response would have had, with the spec's null
 * propagation from non-null fields to the nearest nullable parent. Returns the
 * new `data` (null when the propagation reaches the root).
 */
export function redactResponse(
  data: Json | null | undefined,
  entries: readonly RedactionEntry[],
  rootOrder: readonly string[],
  variables: Record<string, unknown>,
  errors: GraphQLFormattedError[],
): Json | null | undefined {
  if (entries.length === 0 || data === null || data === undefined) return data;

  const walkObject = (
    object: Json,
    children: readonly RedactionEntry[],
    order: readonly string[],
    path: Path,
  ): typeof PROPAGATE | undefined => {
    const typename = (object[TYPENAME_ALIAS] ?? object.__typename) as string | undefined;
    let propagate = false;
    let inserted = false;
    for (const entry of children) {
      if (!included(entry.conditions, variables)) continue;
      if (entry.onlyFor && (typename === undefined || !entry.onlyFor.has(typename))) continue;
      const here = [...path, entry.key];
      if (entry.reasons) {
        inserted ||= !Object.hasOwn(object, entry.key);
        object[entry.key] = null;
        errors.push(forbiddenField(here, entry.reasons));
        if (isNonNullType(entry.type)) propagate = true;
        continue;
      }
      // Own keys only: a key named like a property of every object (`constructor`, an alias) that the answer lacks
      // would otherwise be read from the prototype, and its withheld children written onto the global it names.
      if (!Object.hasOwn(object, entry.key)) continue;
      const value = object[entry.key];
      if (value === null || value === undefined) continue;
      if (walkValue(value, entry.type, entry.children, entry.order, here) === PROPAGATE) {
        object[entry.key] = null;
        if (isNonNullType(entry.type)) propagate = true;
      }
    }
    delete object[TYPENAME_ALIAS];
    if (inserted) reorder(object, order);
    return propagate ? PROPAGATE : undefined;
  };

  const walkValue = (
    value: unknown,
    type: GraphQLOutputType,
    children: readonly RedactionEntry[],
    order: readonly string[],
    path: Path,
  ): typeof PROPAGATE | undefined => {
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      const items = value as unknown[];
      const itemType = nullable.ofType as GraphQLOutputType;
      for (let i = 0; i < items.length; i++) {
        if (items[i] === null || items[i] === undefined) continue;
        if (walkValue(items[i], itemType, children, order, [...path, i]) === PROPAGATE) {
          if (isNonNullType(itemType)) return PROPAGATE;
          items[i] = null;
        }
      }
      return undefined;
    }
    return walkObject(value as Json, children, order, path);
  };

  return walkObject(data, entries, rootOrder, []) === PROPAGATE ? null : data;
}

/** Puts an object's keys in the operation's order, as the spec orders response keys. */
function reorder(object: Json, order: readonly string[]): void {
  const entries = Object.entries(object);
  for (const [key] of entries) delete object[key];
  const values = new Map(entries);
  for (const key of order) if (values.has(key)) object[key] = values.get(key);
  for (const [key, value] of entries) if (!Object.hasOwn(object, key)) object[key] = value;
}
