// Variant B: a plain @apollo/gateway on @apollo/server 5 with no auth.
// Untuned (TUNED=false): default settings throughout, served by
// startStandaloneServer: what a user gets. Tuned: the same HTTP server and
// subgraph fetcher as Tearline, so that T/B measures enforcement alone.
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { deadlineFetcher } from "../../gateway/fetch/undici-fetcher.js";
import { apolloReply } from "../../lib/apollo-reply.js";
import { createJsonHttpServer, listen } from "../../lib/http-server.js";
import { announceReady, onShutdown } from "../../lib/lifecycle.js";

const tuned = process.env.TUNED === "true";
const port = Number(process.env.PORT ?? 0);
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, "utf8"),
  ...(tuned ? { buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher: deadlineFetcher(10_000) }) } : {}),
});
const server = new ApolloServer({ gateway });

if (tuned) {
  await server.start();
  const http = createJsonHttpServer({ handle: async (req, readBody) => apolloReply(server, req, await readBody(), {}) });
  announceReady("B", `http://127.0.0.1:${await listen(http, "127.0.0.1", port)}/graphql`);
} else {
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port } });
  announceReady("B-untuned", url);
}
onShutdown(() => server.stop());
