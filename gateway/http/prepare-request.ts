import type { IncomingMessage } from "node:http";
import type { GraphQLFormattedError } from "graphql";
import { HttpError, type PreparedRequest } from "../../lib/http-server.js";
import type { Principal } from "../auth/principal.js";
import type { OperationPlanner, PolicyState } from "../enforcement/plan.js";
import { ErrorCode } from "../errors.js";
import type { EnforcementContext } from "../plugins/enforcement-plugin.js";
import { renderDeniedPaths } from "../response/denied-paths.js";
import { completeWithoutExecution } from "../response/complete.js";
import type { Coalitions } from "@tearline/policy";

export interface PrepareOptions {
  authenticate(headers: IncomingMessage["headers"]): Promise<Principal>;
  planner: OperationPlanner;
  policy(): PolicyState | undefined;
  coalitions: Coalitions;
}

/** Longest query text accepted; a longer one is refused before it is parsed or cached. */
export const MAX_QUERY_LENGTH = 100_000;

interface GraphQLRequestBody {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: unknown;
}

function requestBody(body: unknown): GraphQLRequestBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "BAD_REQUEST", "Send one GraphQL request as a JSON object");
  const { query, operationName, variables } = body as Record<string, unknown>;
  if (typeof query !== "string" || query.length === 0) throw new HttpError(400, "BAD_REQUEST", "The request has no query string (persisted queries are not supported)");
  if (query.length > MAX_QUERY_LENGTH) throw new HttpError(413, "QUERY_TOO_LARGE", `The query is longer than ${MAX_QUERY_LENGTH} characters`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") throw new HttpError(400, "BAD_REQUEST", "operationName must be a string");
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) throw new HttpError(400, "BAD_REQUEST", "variables must be an object");
  return { query, operationName: operationName ?? undefined, variables: (variables as Record<string, unknown> | null) ?? {} };
}

const respond = (status: number, errors: GraphQLFormattedError[]): PreparedRequest<EnforcementContext> => ({ kind: "respond", status, body: { errors } });

/**
 * The gateway's request path before Apollo Server: identity (401 before the
 * query is even parsed), then the operation plan for this caller. Apollo
 * Server only ever receives the rewritten query, which asks for nothing denied.
 */
export function gatewayRequestPreparer(options: PrepareOptions) {
  return async (req: IncomingMessage, readBody: () => Promise<unknown>): Promise<PreparedRequest<EnforcementContext>> => {
    const principal = await options.authenticate(req.headers);
    const body = requestBody(await readBody());
    const state = options.policy();
    if (!state) return respond(503, [{ message: "The access policy is not available", extensions: { code: ErrorCode.PolicyUnavailable } }]);

    const plan = options.planner.plan(state, body.query, body.operationName, principal);
    if (plan.kind === "invalid") return respond(plan.status, plan.errors);
    if (plan.kind === "reject") {
      return respond(403, [
        {
          message: "The operation asks for fields this caller may not see",
          extensions: { code: ErrorCode.ForbiddenOperation, deniedPaths: renderDeniedPaths(plan.denials) },
        },
      ]);
    }
    const context: EnforcementContext = { principal, plan, state, variables: body.variables ?? {} };
    if (plan.query === null) return { kind: "respond", status: 200, body: completeWithoutExecution(context, options.coalitions) };
    return { kind: "execute", body: { query: plan.query, variables: body.variables, ...(body.operationName ? { operationName: body.operationName } : {}) }, context };
  };
}
