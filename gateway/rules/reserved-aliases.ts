import { GraphQLError } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import type { QueryRule } from "./context.js";

/** The rewrite's own aliases start with this; a client may not use it. */
export const RESERVED_ALIAS_PREFIX = "_tearline";

/** GraphQL's own prefix (introspection): a field under such an alias is taken for __typename by the answer's shaping. */
const INTROSPECTION_PREFIX = "__";

/**
 * Refuses aliases the rewrite reserves for itself, so a client cannot forge or hide what the response phase removes,
 * and aliases in GraphQL's own namespace on any other field (`__typename: title`): Apollo shapes a key `__typename`
 * as the type's name, which nulls the list around it with an internal message or fails the whole answer.
 */
export const reservedAliasesRule: QueryRule = (context) => ({
  Field(node) {
    const alias = node.alias?.value;
    if (alias === undefined) return;
    const prefix = alias.startsWith(RESERVED_ALIAS_PREFIX)
      ? RESERVED_ALIAS_PREFIX
      : alias.startsWith(INTROSPECTION_PREFIX) && alias !== node.name.value
        ? INTROSPECTION_PREFIX
        : undefined;
    if (prefix === undefined) return;
    context.reportError(
      new GraphQLError(`Aliases starting with ${prefix} are reserved`, {
        nodes: node,
        extensions: { code: ErrorCode.BadUserInput },
      }),
    );
  },
});
