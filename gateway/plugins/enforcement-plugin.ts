import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { Principal } from "../auth/principal.js";
import type { OperationPlan, PolicyState } from "../enforcement/plan.js";
import type { Coalitions } from "@tearline/policy";
import { finishResponse } from "../response/complete.js";

/** What the request path hands Apollo Server for one request. */
export interface EnforcementContext extends BaseContext {
  principal: Principal;
  plan: OperationPlan;
  state: PolicyState;
  variables: Record<string, unknown>;
}

/**
 * After execution: puts back null and a FORBIDDEN_FIELD error at every denied
 * path, then marks the response with the classification banner of what was
 * actually returned.
 */
export function enforcementPlugin(coalitions: Coalitions): ApolloServerPlugin<EnforcementContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single" || contextValue.plan?.kind !== "execute") return;
          const result = response.body.singleResult;
          const errors: GraphQLFormattedError[] = [...(result.errors ?? [])];
          const { data, classification } = finishResponse(result.data, errors, contextValue, coalitions);
          result.data = data;
          if (errors.length > 0) (result as { errors?: GraphQLFormattedError[] }).errors = errors;
          result.extensions = { ...result.extensions, classification };
        },
      };
    },
  };
}
