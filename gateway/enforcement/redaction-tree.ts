import type { DirectiveNode, FieldNode, GraphQLOutputType } from "graphql";
import type { Reason } from "../policy/decide.js";
import type { Denial } from "../rules/label-check.js";
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
    const entry: RedactionEntry = { key: place.responseKey, type: place.type, onlyFor: place.onlyFor, conditions: place.conditions, children: [] };
    made.set(place, entry);
    (place.parent ? entryFor(place.parent).children : entries).push(entry);
    if (place.onlyFor && place.parent) needsTypename.add(place.parent.node);
    return entry;
  };

  for (const denial of denials) entryFor(denial.place).reasons = denial.reasons;
  return { entries, needsTypename };
}
