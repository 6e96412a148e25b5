import type { Reason } from "@tearline/policy";
import { type DirectiveNode, type FieldNode, type GraphQLOutputType, Kind, type SelectionSetNode } from "graphql";
import type { Denial } from "../rules/context.js";
import type { FieldPlace } from "../rules/selection-scope.js";

/**
 * One response key on the way to a denied field, nested like the response.
 * A denied entry carries its reasons; the others lead to denied descendants.
 */
export interface RedactionEntry {
  key: string;
  type: GraphQLOutputType;
  onlyFor: ReadonlySet<string> | null;
  conditions: readonly DirectiveNode[];
  reasons?: readonly Reason[];
  children: RedactionEntry[];
  /** Response keys of this field's selection set in the operation's order, to put withheld keys back in place. */
  order: readonly string[];
}

/** The response keys a selection set asks for, in order, through inline fragments. */
export function responseKeyOrder(selectionSet: SelectionSetNode | undefined): string[] {
  const keys = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) keys.add(selection.alias?.value ?? selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
    }
  };
  if (selectionSet) collect(selectionSet);
  return [...keys];
}

/**
 * Turns the denied fields into the tree that the response phase walks, and
 * names the fields whose objects must report their type: those below which a
 * denial applies only to some of the types the objects can have.
 */
export function redactionTree(denials: readonly Denial[]): { entries: RedactionEntry[]; needsTypename: Set<FieldNode> } {
  const entries: RedactionEntry[] = [];
  const needsTypename = new Set<FieldNode>();
  const made = new Map<FieldPlace, RedactionEntry>();

  const entryFor = (place: FieldPlace): RedactionEntry => {
    const existing = made.get(place);
    if (existing) return existing;
    const entry: RedactionEntry = {
      key: place.responseKey,
      type: place.type,
      onlyFor: place.onlyFor,
      conditions: place.conditions,
      children: [],
      order: responseKeyOrder(place.node.selectionSet),
    };
    made.set(place, entry);
    (place.parent ? entryFor(place.parent).children : entries).push(entry);
    if (place.onlyFor && place.parent) needsTypename.add(place.parent.node);
    return entry;
  };

  for (const denial of denials) entryFor(denial.place).reasons = denial.reasons;
  return { entries, needsTypename };
}
