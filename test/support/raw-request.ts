import type { GraphQLResponse } from "./graphql-client.js";

export interface RawReply {
  status: number;
  text: string;
  /** The parsed answer; undefined when it is not JSON (or there is none, as for HEAD). */
  body: GraphQLResponse["body"] | undefined;
}

/**
 * One request as an attacker would shape it: any method, any headers, and a body sent as it is when a string,
 * as JSON otherwise (none for GET and HEAD). For what `post` in graphql-client.ts cannot send.
 */
export async function rawRequest(url: string, body: unknown, headers: Record<string, string> = {}, method = "POST"): Promise<RawReply> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: method === "GET" || method === "HEAD" || body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: RawReply["body"];
  try {
    parsed = JSON.parse(text) as RawReply["body"];
  } catch {
    parsed = undefined;
  }
  return { status: response.status, text, body: parsed };
}

/** The codes of an answer's errors, in order. */
export const errorCodes = (body: RawReply["body"]) => (body?.errors ?? []).map((e) => e.extensions?.code);
