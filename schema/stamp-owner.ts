import { type DirectiveNode, type DocumentNode, Kind, visit } from "graphql";

export const LABEL_DIRECTIVE = "label";

/**
 * Stamps every @label a nation applied with `owner: "<NATION>"`. Composition
 * keeps the applications of a repeatable directive but forgets where each came
 * from; the owner is what lets the gateway apply a nation's type label only to
 * the fields that nation's subgraph resolves. A label that names another
 * nation as its owner is refused: no nation writes rules for another.
 */
export function stampLabelOwner(document: DocumentNode, nation: string): DocumentNode {
  return visit(document, {
    Directive(node: DirectiveNode): DirectiveNode | undefined {
      if (node.name.value !== LABEL_DIRECTIVE) return undefined;
      const existing = node.arguments?.find((arg) => arg.name.value === "owner");
      if (existing) {
        if (existing.value.kind === Kind.STRING && existing.value.value === nation) return undefined;
        throw new Error(`[${nation}] @label may not set owner: composition sets it to the nation that applies the label`);
      }
      return {
        ...node,
        arguments: [
          ...(node.arguments ?? []),
          { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: "owner" }, value: { kind: Kind.STRING, value: nation } },
        ],
      };
    },
  });
}
