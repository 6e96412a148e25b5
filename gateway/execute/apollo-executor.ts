import type { ApolloServer } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { RequestContext } from "../pipeline/context.js";

/** What execution gave back, before completion puts the withheld fields back and marks it. */
export interface ExecutionResult {
  status: number;
  data: Record<string, unknown> | null | undefined;
  errors: readonly GraphQLFormattedError[];
  extensions: Record<string, unknown> | undefined;
}

export type Execute = (context: RequestContext) => Promise<ExecutionResult>;

/**
 * Runs the rewritten operation through Apollo Server and its gateway (which
 * plans it and fetches from the subgraphs). Only the plan's query reaches
 * Apollo: it never sees what the caller was denied.
 */
export function apolloExecutor(apollo: ApolloServer<RequestContext>): Execute {
  return async (context) => {
    const { plan, request } = context;
    const response = await apollo.executeOperation(
      { query: plan.query ?? "", variables: request.variables, ...(request.operationName ? { operationName: request.operationName } : {}) },
      { contextValue: context },
    );
    // Incremental delivery (@defer) is not in the API schema, so validation refuses it before this point.
    if (response.body.kind !== "single") throw new Error("incremental delivery is not supported");
    const result = response.body.singleResult;
    return { status: response.http.status ?? 200, data: result.data, errors: result.errors ?? [], extensions: result.extensions };
  };
}
