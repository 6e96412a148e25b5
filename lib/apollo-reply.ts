import type { IncomingMessage } from "node:http";
import { type ApolloServer, type BaseContext, HeaderMap } from "@apollo/server";
import type { HttpReply } from "./http-server.js";

/** Runs one GraphQL request through Apollo Server's HTTP handling and returns its answer as a reply. */
export async function apolloReply<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  req: IncomingMessage,
  body: unknown,
  context: TContext,
): Promise<HttpReply> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: "", body },
    context: async () => context,
  });
  let json: string;
  if (response.body.kind === "complete") json = response.body.string;
  else {
    json = "";
    for await (const chunk of response.body.asyncIterator) json += chunk;
  }
  const replyHeaders = Object.fromEntries([...response.headers].filter(([name]) => name !== "content-type" && name !== "content-length"));
  return { status: response.status ?? 200, json, headers: replyHeaders };
}
