import { type DocumentNode, type FragmentDefinitionNode, Kind, type OperationDefinitionNode, type SelectionSetNode, visit } from "graphql";

export class OperationTooLargeError extends Error {}

/**
 * Returns the chosen operation with every named fragment spread replaced by an
 * inline fragment. A named fragment used in two places may be allowed in one
 * and denied in the other; inlined, each place is decided and rewritten on its
 * own. Expects a validated document (no cycles, no unknown fragments).
 */
export function inlineFragments(
  document: DocumentNode,
  operationName: string | null | undefined,
  maxFields: number,
): OperationDefinitionNode | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    // Stryker disable next-line ConditionalExpression: a validated executable document holds only operations and fragments.
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName
    ? // Stryker disable next-line OptionalChaining: validation refuses an anonymous operation beside others, so each has a name here.
      operations.find((op) => op.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return undefined;
  // Fragments spread inside fragments multiply: count the expanded size before expanding anything.
  if (expandedFieldCount(operation.selectionSet, fragments, new Map()) > maxFields) {
    throw new OperationTooLargeError(`The operation selects more than ${maxFields} fields once its fragments are expanded`);
  }

  const expand = <T extends OperationDefinitionNode | FragmentDefinitionNode>(node: T): T =>
    visit(node, {
      // Each place a fragment is used gets field nodes of its own, so that a decision at one place cannot reach another.
      Field: { leave: (field) => ({ ...field }) },
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value)!;
        const body = expand(fragment);
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: spread.directives,
          selectionSet: body.selectionSet,
        };
      },
    });
  return expand(operation);
}

function expandedFieldCount(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  memo: Map<string, number>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD)
      count += 1 + (selection.selectionSet ? expandedFieldCount(selection.selectionSet, fragments, memo) : 0);
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += expandedFieldCount(selection.selectionSet, fragments, memo);
    else {
      const name = selection.name.value;
      let size = memo.get(name);
      if (size === undefined) {
        const fragment = fragments.get(name);
        size = fragment ? expandedFieldCount(fragment.selectionSet, fragments, memo) : 0;
        memo.set(name, size);
      }
      count += size;
    }
  }
  return count;
}
