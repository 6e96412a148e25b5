import { expect } from "vitest";
import { post } from "./graphql-client.js";
import type { Caller, TestStack } from "./test-stack.js";

/** Sends an operation that must be answered, and gives the request id its audit event carries (x-request-id). */
export async function sendRecorded(
  stack: TestStack,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<string> {
  const answer = await post(stack.gateway.url, query, variables, await stack.headers(caller));
  expect(answer.status).toBe(200);
  return answer.headers.get("x-request-id")!;
}
