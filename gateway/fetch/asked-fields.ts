import { type FragmentDefinitionNode, Kind, parse, type SelectionSetNode } from "graphql";
import { LruCache } from "../enforcement/lru.js";

/** What a subgraph was asked for, by response key: each key's own selection, or null for a leaf. */
type Asked = Map<string, Asked | null>;

function collect(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  into: Asked,
  seen: Set<string>,
): Asked {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (!selection.selectionSet) {
        // Stryker disable next-line ConditionalExpression: only an invalid document asks for one key both as a leaf and with a selection.
        if (!into.has(key)) into.set(key, null);
        continue;
      }
      const nested = into.get(key) ?? new Map();
      into.set(key, collect(selection.selectionSet, fragments, nested, seen));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, fragments, into, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      // Stryker disable ConditionalExpression,LogicalOperator,ArrayDeclaration: guards against an unknown or cyclic fragment, which only an invalid document has (the planner writes valid ones; a throw drops the data anyway).
      if (fragment && !seen.has(fragment.name.value))
        collect(fragment.selectionSet, fragments, into, new Set([...seen, fragment.name.value]));
      // Stryker restore ConditionalExpression,LogicalOperator,ArrayDeclaration
    }
  }
  return into;
}

// The gateway sends each subgraph the same few queries, plan after plan; false: a query that cannot be read.
const askedByQuery = new LruCache<string, Asked | false>(1000);

function askedOf(query: string): Asked | false {
  let asked = askedByQuery.get(query);
  // Stryker disable next-line ConditionalExpression: a cache; reading the query again gives the same selections.
  if (asked !== undefined) return asked;
  try {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: locations are only not kept; the selections are the same.
    const document = parse(query, { noLocation: true });
    const fragments = new Map(
      document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d] as const),
    );
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    asked = operation ? collect(operation.selectionSet, fragments, new Map(), new Set()) : false;
  } catch {
    asked = false;
  }
  askedByQuery.set(query, asked);
  return asked;
}

/**
 * Removes, in place, every field of `value` that was not asked for. The answer was parsed for this request alone, so
 * nothing else holds it; an honest subgraph's answer has nothing to remove, and is then only read, not copied.
 */
function prune(value: unknown, asked: Asked | null): void {
  // Stryker disable next-line ConditionalExpression: null is an "object" with no keys and no items: pruning it does nothing either.
  if (asked === null || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) prune(item, asked);
    return;
  }
  const object = value as Record<string, unknown>;
  // JSON.parse makes plain objects whose keys are all their own (even "__proto__"): for-in sees exactly those.
  for (const key in object) {
    const nested = asked.get(key);
    if (nested === undefined) delete object[key];
    else prune(object[key], nested);
  }
}

/**
 * A subgraph's data less every field it was not asked for. The gateway merges an entity's answer into the object
 * other subgraphs have filled: a field one nation slipped into its answer would otherwise overwrite another's
 * (a subgraph gone wrong, or hostile, could rewrite GBR's names from FRA's). Data of a query that cannot be read is
 * dropped whole.
 */
export function onlyAsked(
  data: Record<string, unknown> | null | undefined,
  query: string | undefined,
): Record<string, unknown> | null | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: no data is pruned to itself whatever the query; this only spares reading it.
  if (data === null || data === undefined) return data;
  // Stryker disable next-line ConditionalExpression: no text parses to no operation either.
  const asked = query === undefined ? false : askedOf(query);
  if (asked === false) return null;
  prune(data, asked);
  return data;
}
