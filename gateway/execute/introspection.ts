import { executeSync, type GraphQLFormattedError, Kind } from "graphql";
import type { Principal } from "../auth/principal.js";
import type { IntrospectionPlan } from "../enforcement/introspection.js";
import type { PolicyState } from "../enforcement/policy-state.js";
import { SchemaViews } from "../enforcement/schema-views.js";
import { sanitiseError } from "../errors.js";

export interface IntrospectionRequest {
  state: PolicyState;
  principal: Principal;
  plan: IntrospectionPlan;
  variables: Readonly<Record<string, unknown>>;
  /** Epoch ms the caller's view is decided at. */
  now: number;
}

export interface IntrospectionAnswer {
  data: Record<string, unknown> | null | undefined;
  errors?: GraphQLFormattedError[];
}

export type Introspect = (request: IntrospectionRequest) => IntrospectionAnswer;

/**
 * Answers a question about the schema from the caller's own view of it, in
 * the gateway: Apollo (whose answer would be the whole API schema, or its
 * own refusal) never sees it, and neither does any subgraph. Introspection
 * resolvers are synchronous, and the answer is bounded by the view's size
 * (see introspectionPlan).
 */
export function introspector(views = new SchemaViews()): Introspect {
  return ({ state, principal, plan, variables, now }) => {
    const schema = views.viewFor(state, principal, now);
    const result = executeSync({
      schema,
      document: { kind: Kind.DOCUMENT, definitions: [plan.operation] },
      variableValues: variables,
      hideSuggestions: true,
    });
    return { data: result.data, ...(result.errors ? { errors: result.errors.map((error) => sanitiseError(error.toJSON())) } : {}) };
  };
}
