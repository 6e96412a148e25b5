import { type ASTNode, type ASTVisitor, type FieldNode, Kind, type OperationDefinitionNode, type SelectionSetNode, visit } from "graphql";

import { RESERVED_ALIAS_PREFIX } from "../rules/reserved-aliases.js";

/** Alias of the __typename that the rewrite adds; the response phase removes it again. */
export const TYPENAME_ALIAS = `${RESERVED_ALIAS_PREFIX}_typename`;

const typenameField: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_ALIAS },
  name: { kind: Kind.NAME, value: "__typename" },
};

const withTypename = (selectionSet: SelectionSetNode): SelectionSetNode =>
  selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === TYPENAME_ALIAS)
    ? selectionSet
    : { ...selectionSet, selections: [...selectionSet.selections, typenameField] };

export interface RemoveDeniedOptions {
  denied: ReadonlySet<FieldNode>;
  /** Fields whose objects the response phase must know the type of. */
  needsTypename: ReadonlySet<FieldNode>;
}

/**
 * Removes the denied fields, so that the document the planner sees asks no
 * subgraph for them. Returns null when nothing is left to ask for.
 */
export function removeDenied(operation: OperationDefinitionNode, options: RemoveDeniedOptions): OperationDefinitionNode | null {
  let empty = false;
  const rewritten = visit(
    operation,
    removeDeniedVisitor({ ...options, onEmptyOperation: () => (empty = true) }),
  ) as OperationDefinitionNode;
  return empty ? null : rewritten;
}

/**
 * The visitor behind removeDenied. A selection set left empty keeps its field alive with an
 * aliased __typename: the field itself was allowed, and the response phase
 * fills in its denied children.
 */
function removeDeniedVisitor(context: RemoveDeniedOptions & { onEmptyOperation(): void }): ASTVisitor {
  const typenameStack: boolean[] = [];
  return {
    Field: {
      enter(node) {
        if (context.denied.has(node)) return null;
        typenameStack.push(context.needsTypename.has(node));
        return undefined;
      },
      leave(node) {
        const needsTypename = typenameStack.pop();
        if (!node.selectionSet) return undefined;
        if (needsTypename || node.selectionSet.selections.length === 0) {
          return { ...node, selectionSet: withTypename(node.selectionSet) };
        }
        return undefined;
      },
    },
    InlineFragment: {
      leave(node) {
        return node.selectionSet.selections.length === 0 ? null : undefined;
      },
    },
    OperationDefinition: {
      leave(node) {
        if (node.selectionSet.selections.length === 0) context.onEmptyOperation();
        // A variable used only by removed fields would make the rewritten operation invalid.
        const used = variablesUsedIn(node.selectionSet);
        const variableDefinitions = node.variableDefinitions?.filter((d) => used.has(d.variable.name.value));
        return variableDefinitions?.length === node.variableDefinitions?.length ? undefined : { ...node, variableDefinitions };
      },
    },
  };
}

function variablesUsedIn(node: ASTNode): Set<string> {
  const names = new Set<string>();
  visit(node, { Variable: (variable) => void names.add(variable.name.value) });
  return names;
}
