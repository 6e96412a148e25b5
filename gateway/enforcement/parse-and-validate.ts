import {
  type DocumentNode,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import { MAX_NESTING, queryNestsDeeperThan } from "./nesting.js";

/** Most tokens a query may have; a longer one is refused while it is parsed. */
export const MAX_TOKENS = 10_000;

/**
 * Parses and validates an operation against the API schema. Validation never
 * suggests names ("Did you mean …"): suggestions name fields the caller did
 * not ask for, schema details a client need not learn. Brackets nested too
 * deeply are refused before the (recursive) parser sees them, so that no
 * stack overflow, and no message of one, can come of a query.
 */
export function parseAndValidate(
  schema: GraphQLSchema,
  query: string,
  limits: readonly ValidationRule[] = [],
): DocumentNode | GraphQLFormattedError[] {
  if (queryNestsDeeperThan(query, MAX_NESTING, MAX_TOKENS))
    return [{ message: `The operation nests brackets more than ${MAX_NESTING} deep`, extensions: { code: ErrorCode.NestingTooDeep } }];
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    // Only the parser's own syntax errors are worth showing; anything else is the engine's business.
    if (!(error instanceof GraphQLError))
      return [{ message: "The operation cannot be parsed", extensions: { code: ErrorCode.GraphQLParseFailed } }];
    return [{ message: error.message, locations: error.locations, extensions: { code: ErrorCode.GraphQLParseFailed } }];
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
