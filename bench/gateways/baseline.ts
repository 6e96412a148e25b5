// Variant B: a plain @apollo/gateway on @apollo/server 5 with default
// settings and no auth. TUNED=true gives it the same subgraph fetcher as
// Tearline, so that T/B measures enforcement rather than the fetcher.
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { deadlineFetcher } from "../../gateway/fetch/undici-fetcher.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";

const tuned = process.env.TUNED === "true";
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, "utf8"),
  ...(tuned ? { buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher: deadlineFetcher(10_000) }) } : {}),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(process.env.PORT ?? 0) } });
announceReady(tuned ? "B" : "B-untuned", url);
onShutdown(() => server.stop());
