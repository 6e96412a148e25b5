import { type GraphQLFormattedError, type GraphQLSchema, getVariableValues, type VariableDefinitionNode } from "graphql";
import { ErrorCode } from "../../lib/error-codes.js";
import { MAX_NESTING, valueNestsDeeperThan } from "./nesting.js";

/** Most coercion errors reported for one request: enough to mend it, too few to map the schema with. */
const MAX_VARIABLE_ERRORS = 10;

/**
 * Checks a request's variables against its operation's definitions before
 * anything runs, so that the gateway, not the execution engine, words the
 * refusal: coercion never suggests a value ("Did you mean the enum value
 * …?", "Did you mean "kind"?") and nesting deep enough to overflow a
 * recursive walk is refused first. Returns the errors to answer with (400),
 * or undefined when every variable is good.
 */
export function variableErrors(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Readonly<Record<string, unknown>>,
): GraphQLFormattedError[] | undefined {
  // All of them, used or not: whatever reaches execution is serialised (and signed) as a whole somewhere.
  if (valueNestsDeeperThan(variables, MAX_NESTING))
    return [{ message: `The variables nest values more than ${MAX_NESTING} deep`, extensions: { code: ErrorCode.NestingTooDeep } }];
  const { errors } = getVariableValues(schema, definitions, variables, { maxErrors: MAX_VARIABLE_ERRORS, hideSuggestions: true });
  if (!errors) return undefined;
  return errors.map((error) => ({ message: error.message, locations: error.locations, extensions: { code: ErrorCode.BadUserInput } }));
}
