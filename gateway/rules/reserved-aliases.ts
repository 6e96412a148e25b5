import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import type { QueryRule } from "./context.js";

/** The rewrite's own aliases start with this; a client may not use it. */
export const RESERVED_ALIAS_PREFIX = "_tearline";

/** Refuses aliases the rewrite reserves for itself, so a client cannot forge or hide what the response phase removes. */
export const reservedAliasesRule: QueryRule = (context) => ({
  Field(node) {
    if (node.alias?.value.startsWith(RESERVED_ALIAS_PREFIX)) {
      context.reportError(
        new GraphQLError(`Aliases starting with ${RESERVED_ALIAS_PREFIX} are reserved`, {
          nodes: node,
          extensions: { code: ErrorCode.BadUserInput },
        }),
      );
    }
  },
});
