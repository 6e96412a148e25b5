import { type DocumentNode, print } from "graphql";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
  text: string;
  /** The response's headers (x-request-id names the operation's audit event). */
  headers: Headers;
}

/** POSTs one operation as JSON and returns the status, the parsed body and the raw text. */
export async function post<T = Record<string, unknown>>(
  url: string,
  query: string | DocumentNode,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query: typeof query === "string" ? query : print(query), variables }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as GraphQLResponse<T>["body"], text, headers: response.headers };
}
