import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";

/** Longest query text accepted; a longer one is refused before it is parsed or cached. */
export const MAX_QUERY_LENGTH = 100_000;

/**
 * Longest operationName accepted. A name is part of the plan-cache key and of
 * the audit event, so an unbounded one would let a caller fill both with
 * text of its choosing (a 0.9 MB name per request, cached and recorded).
 */
export const MAX_OPERATION_NAME_LENGTH = 256;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** One GraphQL request, as the client sent it. */
export interface GraphQLRequestBody {
  query: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** Reads a decoded JSON body as one GraphQL request, or refuses it with 400/413. */
export function graphQLRequestBody(body: unknown): GraphQLRequestBody {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, ErrorCode.BadRequest, "Send one GraphQL request as a JSON object");
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== "string" || query.length === 0)
    throw new HttpError(400, ErrorCode.BadRequest, "The request has no query string (persisted queries are not supported)");
  if (query.length > MAX_QUERY_LENGTH)
    throw new HttpError(413, ErrorCode.QueryTooLarge, `The query is longer than ${MAX_QUERY_LENGTH} characters`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string")
    throw new HttpError(400, ErrorCode.BadRequest, "operationName must be a string");
  // A name no operation can have is refused here, before it is cached or recorded.
  if (typeof operationName === "string" && (operationName.length > MAX_OPERATION_NAME_LENGTH || !GRAPHQL_NAME.test(operationName)))
    throw new HttpError(
      400,
      ErrorCode.BadRequest,
      `operationName must be a GraphQL name (a letter or _, then letters, digits or _) of at most ${MAX_OPERATION_NAME_LENGTH} characters`,
    );
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    throw new HttpError(400, ErrorCode.BadRequest, "variables must be an object");
  }
  return { query, operationName: operationName ?? undefined, variables: (variables as Record<string, unknown> | null) ?? {} };
}
