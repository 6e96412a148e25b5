import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError } from "../../lib/http-server.js";

/** Longest query text accepted; a longer one is refused before it is parsed or cached. */
export const MAX_QUERY_LENGTH = 100_000;

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
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    throw new HttpError(400, ErrorCode.BadRequest, "variables must be an object");
  }
  return { query, operationName: operationName ?? undefined, variables: (variables as Record<string, unknown> | null) ?? {} };
}
