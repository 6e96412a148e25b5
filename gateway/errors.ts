import { REASONS, type Reason } from "@tearline/policy";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ApolloErrorCode, ErrorCode } from "../lib/error-codes.js";

/** Codes whose messages are safe to show a client as they are. */
// Not INTERNAL_SERVER_ERROR: Apollo gives that code to any error without one, whatever its message says.
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.Internal),
  ...Object.values(ApolloErrorCode),
]);

/** Extension keys a client may see; everything else (URLs, bodies, stack traces) is dropped. */
const PUBLIC_EXTENSIONS = ["code", "subgraph", "reason", "reasons"] as const;

const isReason = (value: unknown): value is Reason => (REASONS as readonly unknown[]).includes(value);

/** A field the caller may not see: its path and why, by category only. */
export function forbiddenField(path: ReadonlyArray<string | number>, reasons: readonly Reason[]): GraphQLFormattedError {
  return {
    message: "This field is withheld: the caller is not authorised to see it",
    path,
    extensions: { code: ErrorCode.ForbiddenField, reason: reasons[0], reasons: [...reasons] },
  };
}

export function subgraphUnavailable(subgraph: string, timedOut: boolean): GraphQLError {
  return timedOut
    ? new GraphQLError(`The ${subgraph} subgraph did not answer in time`, {
        extensions: { code: ErrorCode.SubgraphTimeout, subgraph },
      })
    : new GraphQLError(`The ${subgraph} subgraph is unavailable`, {
        extensions: { code: ErrorCode.SubgraphUnavailable, subgraph },
      });
}

/** A subgraph that answered more than the gateway reads: failed for this request, as if it had timed out. */
export const subgraphResponseTooLarge = (subgraph: string): GraphQLError =>
  new GraphQLError(`The ${subgraph} subgraph answered more than the gateway reads`, {
    extensions: { code: ErrorCode.SubgraphResponseTooLarge, subgraph },
  });

/** The subgraphs together answered more than one request may receive: nothing more is fetched, and the answer is refused. */
export const responseTooLarge = (): GraphQLError =>
  new GraphQLError("The answer is larger than the gateway serves", { extensions: { code: ErrorCode.ResponseTooLarge } });

/**
 * A value a subgraph answered in a shape the schema does not allow (a null where none may be, a string for a list),
 * which Apollo reports in extensions.valueCompletion with its own message: a plain error at its path instead.
 */
export const wrongShape = (path: ReadonlyArray<string | number> | undefined): GraphQLFormattedError => ({
  message: "A subgraph answered this field in a shape the schema does not allow",
  ...(path ? { path } : {}),
  extensions: { code: ErrorCode.SubgraphError },
});

/**
 * A message without the suggestions graphql-js appends (" Did you mean …?"):
 * they name fields, values and types the caller did not ask for. The gateway
 * asks graphql-js for none; this catches any message that comes back with one
 * all the same (from Apollo's own validation or coercion).
 */
export const withoutSuggestions = (message: string): string => message.replace(/\s*Did you mean\b[\s\S]*$/, "");

/**
 * Apollo Server's formatError: what leaves the gateway. Errors with a public
 * code keep their message (less any suggestion); any other error, including a
 * subgraph's own resolver errors, is replaced by a generic one with its path kept.
 */
export function sanitiseError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const code = typeof extensions.code === "string" ? extensions.code : undefined;
  const subgraph = typeof extensions.serviceName === "string" ? extensions.serviceName : extensions.subgraph;
  const safe: Record<string, unknown> = {};
  for (const key of PUBLIC_EXTENSIONS) if (extensions[key] !== undefined) safe[key] = extensions[key];
  // A subgraph writes its own extensions: a reason is passed on only when it is one of the categories, nothing else.
  if (safe.reason !== undefined && !isReason(safe.reason)) delete safe.reason;
  if (safe.reasons !== undefined && !(Array.isArray(safe.reasons) && safe.reasons.every(isReason))) delete safe.reasons;
  if (typeof subgraph === "string") safe.subgraph = subgraph;

  if (code && PUBLIC_CODES.has(code) && typeof extensions.serviceName !== "string") {
    return { message: withoutSuggestions(formatted.message), locations: formatted.locations, path: formatted.path, extensions: safe };
  }
  const fromSubgraph = typeof subgraph === "string";
  return {
    message: fromSubgraph ? `The ${subgraph} subgraph could not resolve this field` : "Internal server error",
    path: formatted.path,
    locations: formatted.locations,
    extensions: { ...safe, code: fromSubgraph ? ErrorCode.SubgraphError : ErrorCode.Internal },
  };
}
