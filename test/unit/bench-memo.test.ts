import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { benchMemoExtensions, memoizeQueries } from "../../bench/subgraph-memo.js";
import { type HttpReply, jsonReply, type RequestHandler } from "../../lib/http-server.js";
import type { Database } from "../../subgraphs/shared/database.js";

// The benchmark plugs this memo into a subgraph through runNation's seam; production never runs it.
describe("the benchmark's subgraph memo", () => {
  const request = { query: "{ a }", variables: { x: 1 } };
  const req = {} as IncomingMessage;

  /** The memo around a handler that counts its calls and answers `reply(call)`. */
  function memoised(reply: (call: number) => HttpReply, maxAnswers?: number) {
    const counter = { calls: 0 };
    const inner: RequestHandler = async () => reply(++counter.calls);
    return { handle: benchMemoExtensions(maxAnswers).wrapHandler!(inner), counter };
  }

  it("answers a repeated request from memory without calling the inner handler", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }));
    expect((await handle(req, async () => request)).json).toBe('{"data":{"a":1}}');
    expect((await handle(req, async () => ({ ...request }))).json).toBe('{"data":{"a":1}}');
    expect(counter.calls).toBe(1);
  });

  it("keys on query, variables and operation name", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }));
    await handle(req, async () => request);
    await handle(req, async () => ({ ...request, variables: { x: 2 } }));
    await handle(req, async () => ({ ...request, operationName: "Other" }));
    await handle(req, async () => ({ ...request, query: "{ b }" }));
    expect(counter.calls).toBe(4);
  });

  it("hands the inner handler the body it read", async () => {
    let seen: unknown;
    const handle = benchMemoExtensions().wrapHandler!(async (_req, readBody) => {
      seen = await readBody();
      return jsonReply(200, { data: {} });
    });
    await handle(req, async () => request);
    expect(seen).toEqual(request);
  });

  it("never remembers an answer with errors", async () => {
    const { handle, counter } = memoised(() => jsonReply(200, { errors: [{ message: "no" }], data: null }));
    await handle(req, async () => request);
    await handle(req, async () => request);
    expect(counter.calls).toBe(2);
  });

  it("never remembers a non-200 answer or one that is not a single JSON result", async () => {
    const refused = memoised(() => jsonReply(400, { data: null }));
    await refused.handle(req, async () => request);
    await refused.handle(req, async () => request);
    expect(refused.counter.calls).toBe(2);

    const streamed = memoised(() => ({ status: 200, json: '--graphql\r\n{"data":{}}\r\n--graphql--' }));
    await streamed.handle(req, async () => request);
    await streamed.handle(req, async () => request);
    expect(streamed.counter.calls).toBe(2);
  });

  it("remembers an answer whose data merely contains a field named errors", async () => {
    const { handle, counter } = memoised(() => jsonReply(200, { data: { report: { errors: 0 } } }));
    await handle(req, async () => request);
    await handle(req, async () => request);
    expect(counter.calls).toBe(1);
  });

  it("keeps at most its cap of answers, and still serves past it", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }), 2);
    for (const x of [1, 2, 3]) await handle(req, async () => ({ ...request, variables: { x } }));
    for (const x of [1, 2]) await handle(req, async () => ({ ...request, variables: { x } }));
    expect(counter.calls).toBe(3);
    expect((await handle(req, async () => ({ ...request, variables: { x: 3 } }))).json).toBe('{"data":{"a":4}}');
    expect(counter.calls).toBe(4);
  });

  it("runs a repeated SQL query once per distinct parameters", async () => {
    const ran: unknown[][] = [];
    const db: Database = {
      kind: "pglite",
      query: async <Row>(_sql: string, params: unknown[] = []) => {
        ran.push(params);
        return [{ n: ran.length }] as Row[];
      },
      exec: async () => undefined,
      close: async () => undefined,
    };
    const memo = memoizeQueries(db);
    expect(await memo.query("SELECT $1", [1])).toEqual([{ n: 1 }]);
    expect(await memo.query("SELECT $1", [1])).toEqual([{ n: 1 }]);
    await memo.query("SELECT $1", [2]);
    expect(ran).toEqual([[1], [2]]);
  });
});
