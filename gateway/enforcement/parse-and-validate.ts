import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";

/** Most tokens a query may have; a longer one is refused while it is parsed. */
export const MAX_TOKENS = 10_000;

/**
 * Parses and validates an operation against the API schema. Validation never
 * suggests names ("Did you mean …"): suggestions name fields the caller did
 * not ask for, schema details a client need not learn.
 */
export function parseAndValidate(
  schema: GraphQLSchema,
  query: string,
  limits: readonly ValidationRule[] = [],
): DocumentNode | GraphQLFormattedError[] {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    const e = error as GraphQLError;
    return [{ message: e.message, locations: e.locations, extensions: { code: ErrorCode.GraphQLParseFailed } }];
  }
  // `limits`: rules that refuse a valid but too large operation, with a code of their own (armor-limits.ts).
  const errors = validate(schema, document, [...specifiedRules, ...limits], { hideSuggestions: true });
  if (errors.length > 0) {
    return errors.map((e) => ({
      message: e.message,
      locations: e.locations,
      extensions: { code: e.extensions.code ?? ErrorCode.GraphQLValidationFailed },
    }));
  }
  return document;
}
