import { GraphQLError, type ASTVisitor } from "graphql";

/** The rewrite's own aliases start with this; a client may not use it. */
export const RESERVED_ALIAS_PREFIX = "_tearline";

export interface LimitsContext {
  maxDepth: number;
  maxAliases: number;
  onError(error: GraphQLError): void;
}

/**
 * Refuses operations nested deeper than `maxDepth` fields or using more than
 * `maxAliases` aliases: both multiply the work one request can cause. Runs on
 * the operation with its fragments inlined, so fragments cannot hide depth.
 * Also refuses the aliases the rewrite reserves for itself.
 */
export function limitsRule(context: LimitsContext): ASTVisitor {
  let depth = 0;
  let aliases = 0;
  let reportedDepth = false;
  return {
    Field: {
      enter(node) {
        depth += 1;
        if (node.alias) aliases += 1;
        if (node.alias?.value.startsWith(RESERVED_ALIAS_PREFIX)) {
          context.onError(new GraphQLError(`Aliases starting with ${RESERVED_ALIAS_PREFIX} are reserved`, { nodes: node, extensions: { code: "BAD_USER_INPUT" } }));
        }
        if (depth > context.maxDepth && !reportedDepth) {
          reportedDepth = true;
          context.onError(
            new GraphQLError(`The operation is nested deeper than ${context.maxDepth} fields`, { nodes: node, extensions: { code: "OPERATION_TOO_COMPLEX" } }),
          );
        }
      },
      leave() {
        depth -= 1;
      },
    },
    OperationDefinition: {
      leave(node) {
        if (aliases > context.maxAliases) {
          context.onError(
            new GraphQLError(`The operation uses more than ${context.maxAliases} aliases`, { nodes: node, extensions: { code: "OPERATION_TOO_COMPLEX" } }),
          );
        }
      },
    },
  };
}
