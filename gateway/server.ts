import type { Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloGateway } from "@apollo/gateway";
import { close, createGraphQLHttpServer, listen } from "../lib/http-server.js";
import type { GatewayConfig } from "./config.js";
import { sanitiseError } from "./errors.js";
import { SubgraphDataSource } from "./fetch/subgraph-data-source.js";
import { supergraphFromFile } from "./supergraph/file-source.js";

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

export function createApolloGateway(config: GatewayConfig): ApolloGateway {
  return new ApolloGateway({
    supergraphSdl: supergraphFromFile(config.supergraphPath),
    buildService: ({ name, url }) =>
      new SubgraphDataSource({ name, url: config.subgraphUrls[name] ?? url ?? "", timeoutMs: config.subgraphTimeoutMs }),
  });
}

/** Starts the gateway's HTTP server; resolves once it serves the supergraph. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const apollo = new ApolloServer({
    gateway: createApolloGateway(config),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: true,
    formatError: sanitiseError,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const server = createGraphQLHttpServer({ apollo, context: async () => ({}) });
  const port = await listen(server, config.host, config.port);
  return {
    url: `http://${config.host}:${port}/graphql`,
    server,
    async stop() {
      await close(server);
      await apollo.stop();
    },
  };
}
