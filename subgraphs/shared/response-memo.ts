import type { ApolloServerPlugin, BaseContext } from "@apollo/server";

/**
 * Benchmarks only (MEMORY_CACHE=true): answers a request the subgraph has
 * answered before from memory, without running GraphQL again. The data never
 * changes in a benchmark, and a subgraph that costs almost nothing leaves the
 * gateway under test as the only bottleneck.
 */
export class ResponseMemo {
  private readonly responses = new Map<string, string>();

  static keyOf(request: { query?: unknown; variables?: unknown; operationName?: unknown }): string {
    return JSON.stringify([request.query, request.variables ?? null, request.operationName ?? null]);
  }

  lookup(body: unknown): string | undefined {
    if (typeof body !== "object" || body === null) return undefined;
    return this.responses.get(ResponseMemo.keyOf(body as Record<string, unknown>));
  }

  plugin<T extends BaseContext>(): ApolloServerPlugin<T> {
    const responses = this.responses;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ request, response }) {
            if (response.body.kind === "single" && !response.body.singleResult.errors && responses.size < 100_000) {
              responses.set(ResponseMemo.keyOf(request), JSON.stringify(response.body.singleResult));
            }
          },
        };
      },
    };
  }
}
