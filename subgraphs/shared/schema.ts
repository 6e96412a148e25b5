import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { type GraphQLSchema, parse } from "graphql";
import { loadSubgraphSdl, type NationCode } from "../nations.js";
import type { NationContext } from "./context.js";

// Generated resolver maps are precise per nation; buildSubgraphSchema wants its own looser map.
export type AnyResolvers = object;

export function buildNationSchema(nation: NationCode, resolvers: AnyResolvers): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(loadSubgraphSdl(nation)),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}

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
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ...extraPlugins],
  });
}
