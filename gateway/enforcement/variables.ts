import { type GraphQLFormattedError, type GraphQLSchema, getVariableValues, type VariableDefinitionNode } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import { MAX_NESTING, valueNestsDeeperThan } from "./nesting.js";

/** Most coercion errors reported for one request: enough to mend it, too few to map the schema with. */
const MAX_VARIABLE_ERRORS = 10;

/** A request's variables once checked: the errors to answer with (400), or the values as execution sees them. */
export type CheckedVariables =
  | { errors: GraphQLFormattedError[]; coerced?: undefined }
  | { errors?: undefined; coerced: Readonly<Record<string, unknown>> };

/**
 * Checks a request's variables against its operation's definitions before
 * anything runs, so that the gateway, not the execution engine, words the
 * refusal: coercion never suggests a value ("Did you mean the enum value
 * …?", "Did you mean "kind"?") and nesting deep enough to overflow a
 * recursive walk is refused first. Good variables come back coerced (defaults
 * applied), once, for whatever later needs them as execution sees them.
 */
export function checkVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Readonly<Record<string, unknown>>,
): CheckedVariables {
  // All of them, used or not: whatever reaches execution is serialised (and signed) as a whole somewhere.
  if (valueNestsDeeperThan(variables, MAX_NESTING))
    return {
      errors: [{ message: `The variables nest values more than ${MAX_NESTING} deep`, extensions: { code: ErrorCode.NestingTooDeep } }],
    };
  const { errors, coerced } = getVariableValues(schema, definitions, variables, { maxErrors: MAX_VARIABLE_ERRORS, hideSuggestions: true });
  if (errors)
    return {
      errors: errors.map((error) => ({ message: error.message, locations: error.locations, extensions: { code: ErrorCode.BadUserInput } })),
    };
  return { coerced };
}
