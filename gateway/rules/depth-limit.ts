import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import type { QueryRule } from "./context.js";

/**
 * Refuses an operation nested deeper than `maxDepth` fields: depth multiplies
 * the work one request can cause. Runs on the operation with its fragments
 * inlined, so fragments cannot hide depth. Reported once.
 */
export const depthLimitRule: QueryRule = (context) => {
  let reported = false;
  return {
    Field(node) {
      if (reported || context.scope.field.depth <= context.limits.maxDepth) return;
      reported = true;
      context.reportError(
        new GraphQLError(`The operation is nested deeper than ${context.limits.maxDepth} fields`, {
          nodes: node,
          extensions: { code: ErrorCode.OperationTooComplex },
        }),
      );
    },
  };
};
