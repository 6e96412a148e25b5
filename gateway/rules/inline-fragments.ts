import { Kind, visit, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";

/**
 * Returns the chosen operation with every named fragment spread replaced by an
 * inline fragment. A named fragment used in two places may be allowed in one
 * and denied in the other; inlined, each place is decided and rewritten on its
 * own. Expects a validated document (no cycles, no unknown fragments).
 */
export function inlineFragments(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((op) => op.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;

  const expand = <T extends OperationDefinitionNode | FragmentDefinitionNode>(node: T): T =>
    visit(node, {
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
