import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { type AgreementBook, buildSubgraphIndex, type Coalitions } from "@tearline/policy";
import { type GraphQLSchema, parse } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { readPageSizes } from "../../lib/page-sizes.js";
import { ROW_MARKING_EXTENSION } from "../../lib/row-marking.js";
import { loadSubgraphSdl, type NationCode } from "../nations.js";
import type { NationContext } from "./context.js";
import { pageLimits } from "./page-limits.js";
import { entityKeyFields, type SecondLockSource, secondLock } from "./second-lock.js";

// Generated resolver maps are precise per nation; buildSubgraphSchema wants its own looser map.
export type AnyResolvers = object;

/**
 * The nation's second lock from its own schema.graphql alone: its labels (a
 * field it resolves without one stops the subgraph here, whatever composition
 * said) and its entity keys, with its own agreements and clock.
 */
export function ownLockSource(
  nation: NationCode,
  coalitions: Coalitions,
  agreements: () => AgreementBook,
  now: () => number = Date.now,
): SecondLockSource {
  const sdl = parse(loadSubgraphSdl(nation));
  return { index: buildSubgraphIndex(sdl, nation, coalitions), keyFields: entityKeyFields(sdl), agreements, now };
}

/** A nation's executable subgraph schema, every field behind the nation's own second lock. */
export function buildNationSchema(nation: NationCode, resolvers: AnyResolvers, lock: SecondLockSource): GraphQLSchema {
  const typeDefs = parse(loadSubgraphSdl(nation));
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  // Page limits outermost: the shield hides any error from within it, and a refused page size should say so.
  // A list of objects without a bounded page stops the subgraph here (readPageSizes throws).
  return applyMiddleware(schema, pageLimits(readPageSizes(typeDefs)), secondLock(lock));
}

/** Reports the labels of the rows a request read in the response's extensions, so that the gateway's banner counts them. */
const reportRowMarking: ApolloServerPlugin<NationContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const marking = contextValue.rows.marking();
        if (marking === undefined || response.body.kind !== "single") return;
        const result = response.body.singleResult;
        result.extensions = { ...result.extensions, [ROW_MARKING_EXTENSION]: marking };
      },
    };
  },
};

export function createNationApollo(
  schema: GraphQLSchema,
  extraPlugins: ApolloServerPlugin<NationContext>[] = [],
): ApolloServer<NationContext> {
  return new ApolloServer<NationContext>({
    schema,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    // Inline traces would hand the gateway per-field timings it has no use for.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), reportRowMarking, ...extraPlugins],
  });
}
