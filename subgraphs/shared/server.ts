import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { parse, type GraphQLSchema } from "graphql";
import { exitOnConfigError } from "../../lib/config.js";
import { apolloReply } from "../../lib/apollo-reply.js";
import { close, createJsonHttpServer, listen } from "../../lib/http-server.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";
import { loadSubgraphSdl, type NationCode } from "../nations.js";
import { loadNationConfig } from "./config.js";
import { createNationContext, type NationContext } from "./context.js";
import { memoizeQueries, openDatabase, type Database } from "./database.js";
import { ResponseMemo } from "./response-memo.js";
import { ensureSeeded } from "./seed.js";

// Generated resolver maps are precise per nation; buildSubgraphSchema wants its own looser map.
type AnyResolvers = object;

export function buildNationSchema(nation: NationCode, resolvers: AnyResolvers): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(loadSubgraphSdl(nation)),
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
}

export function createNationApollo(schema: GraphQLSchema, extraPlugins: ApolloServerPlugin<NationContext>[] = []): ApolloServer<NationContext> {
  return new ApolloServer<NationContext>({
    schema,
    introspection: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    // Inline traces would hand the gateway per-field timings it has no use for.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginLandingPageDisabled(), ...extraPlugins],
  });
}

/** The entry point of a nation's subgraph process: database, seed, schema, HTTP. */
export async function runNation(nation: NationCode, resolvers: AnyResolvers): Promise<void> {
  let config;
  try {
    config = loadNationConfig(nation);
  } catch (error) {
    exitOnConfigError(error);
  }
  const stored: Database = await openDatabase(config.database);
  const seeded = await ensureSeeded(stored, nation);
  if (seeded === "seeded") console.error("database initialised with seed data");
  const db = config.memoryCache ? memoizeQueries(stored) : stored;

  const memo = config.memoryCache ? new ResponseMemo() : undefined;
  const apollo = createNationApollo(buildNationSchema(nation, resolvers), memo ? [memo.plugin()] : []);
  await apollo.start();
  const server = createJsonHttpServer({
    handle: async (req, readBody) => {
      const body = await readBody();
      const remembered = memo?.lookup(body);
      if (remembered !== undefined) return { status: 200, json: remembered };
      return apolloReply(apollo, req, body, createNationContext(db));
    },
  });
  const port = await listen(server, config.host, config.port);
  announceReady(nation, `http://${config.host}:${port}/graphql`);

  onShutdown(async () => {
    await close(server);
    await apollo.stop();
    await db.close();
  });
}
