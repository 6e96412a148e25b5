import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import type { QueryRule } from "./context.js";

/** Refuses an operation with more than `maxAliases` aliases: each alias can ask for the same costly field again. */
export const aliasLimitRule: QueryRule = (context) => {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias) aliases += 1;
    },
    OperationDefinition: {
      leave(node) {
        if (aliases > context.limits.maxAliases) {
          context.reportError(
            new GraphQLError(`The operation uses more than ${context.limits.maxAliases} aliases`, {
              nodes: node,
              extensions: { code: ErrorCode.OperationTooComplex },
            }),
          );
        }
      },
    },
  };
};
