import { GraphQLError, type ASTVisitor } from "graphql";

export interface LimitsContext {
  maxDepth: number;
  maxAliases: number;
  onError(error: GraphQLError): void;
}

/**
 * Refuses operations nested deeper than `maxDepth` fields or using more than
 * `maxAliases` aliases: both multiply the work one request can cause. Runs on
 * the operation with its fragments inlined, so fragments cannot hide depth.
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
