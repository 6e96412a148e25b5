import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { benchMemoExtensions, memoizeQueries } from "../../bench/subgraph-memo.js";
import { type HttpReply, jsonReply } from "../../lib/http-server.js";
import type { Caller } from "../../subgraphs/shared/context.js";
import type { Database, RowAccess } from "../../subgraphs/shared/database.js";
import type { AdmittedHandler } from "../../subgraphs/shared/server.js";

// The benchmark plugs this memo into a subgraph through runNation's seam; production never runs it.
describe("the benchmark's subgraph memo", () => {
  const request = { query: "{ a }", variables: { x: 1 } };
  const req = {} as IncomingMessage;
  const caller: Caller = {
    subject: { nation: "GBR", clearance: "SECRET", compartments: new Set(), purpose: "CT", scopes: new Set() },
    requestId: "r-1",
  };

  /** The memo around a handler that counts its calls and answers `reply(call)`. */
  function memoised(reply: (call: number) => HttpReply, maxAnswers?: number) {
    const counter = { calls: 0 };
    const inner: AdmittedHandler = async () => reply(++counter.calls);
    return { handle: benchMemoExtensions(maxAnswers).wrapHandler!(inner), counter };
  }

  it("answers a repeated request from memory without calling the inner handler", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }));
    expect((await handle(req, request, caller)).json).toBe('{"data":{"a":1}}');
    expect((await handle(req, { ...request }, caller)).json).toBe('{"data":{"a":1}}');
    expect(counter.calls).toBe(1);
  });

  it("keys on query, variables and operation name", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }));
    await handle(req, request, caller);
    await handle(req, { ...request, variables: { x: 2 } }, caller);
    await handle(req, { ...request, operationName: "Other" }, caller);
    await handle(req, { ...request, query: "{ b }" }, caller);
    expect(counter.calls).toBe(4);
  });

  it("keys on the caller the envelope vouched for: one caller's answer is never served to another", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }));
    await handle(req, request, caller);
    await handle(req, request, { ...caller, requestId: "r-2" });
    expect(counter.calls).toBe(1);
    const restricted = { ...caller, subject: { ...caller.subject, clearance: "RESTRICTED" as const } };
    expect((await handle(req, request, restricted)).json).toBe('{"data":{"a":2}}');
    expect(counter.calls).toBe(2);
  });

  it("hands the inner handler the body and the caller", async () => {
    let seen: unknown[] = [];
    const handle = benchMemoExtensions().wrapHandler!(async (_req, body, who) => {
      seen = [body, who];
      return jsonReply(200, { data: {} });
    });
    await handle(req, request, caller);
    expect(seen).toEqual([request, caller]);
  });

  it("never remembers an answer with errors", async () => {
    const { handle, counter } = memoised(() => jsonReply(200, { errors: [{ message: "no" }], data: null }));
    await handle(req, request, caller);
    await handle(req, request, caller);
    expect(counter.calls).toBe(2);
  });

  it("never remembers a non-200 answer or one that is not a single JSON result", async () => {
    const refused = memoised(() => jsonReply(400, { data: null }));
    await refused.handle(req, request, caller);
    await refused.handle(req, request, caller);
    expect(refused.counter.calls).toBe(2);

    const streamed = memoised(() => ({ status: 200, json: '--graphql\r\n{"data":{}}\r\n--graphql--' }));
    await streamed.handle(req, request, caller);
    await streamed.handle(req, request, caller);
    expect(streamed.counter.calls).toBe(2);
  });

  it("remembers an answer whose data merely contains a field named errors", async () => {
    const { handle, counter } = memoised(() => jsonReply(200, { data: { report: { errors: 0 } } }));
    await handle(req, request, caller);
    await handle(req, request, caller);
    expect(counter.calls).toBe(1);
  });

  it("keeps at most its cap of answers, and still serves past it", async () => {
    const { handle, counter } = memoised((call) => jsonReply(200, { data: { a: call } }), 2);
    for (const x of [1, 2, 3]) await handle(req, { ...request, variables: { x } }, caller);
    for (const x of [1, 2]) await handle(req, { ...request, variables: { x } }, caller);
    expect(counter.calls).toBe(3);
    expect((await handle(req, { ...request, variables: { x: 3 } }, caller)).json).toBe('{"data":{"a":4}}');
    expect(counter.calls).toBe(4);
  });

  /** A database that answers every query with the number of queries run so far, and records what each was given. */
  function countingDatabase() {
    const ran: unknown[][] = [];
    const answer = async <Row>(params: unknown[], access?: RowAccess) => {
      ran.push(access === undefined ? params : [access.clearanceRank, ...params]);
      return [{ n: ran.length }] as Row[];
    };
    const db: Database = {
      kind: "pglite",
      query: (_sql, params = []) => answer(params),
      queryAs: (access, _sql, params = []) => answer(params, access),
      maintain: async () => undefined as never,
      exec: async () => undefined,
      close: async () => undefined,
    };
    return { db, ran };
  }

  it("runs a repeated SQL query once per distinct parameters", async () => {
    const { db, ran } = countingDatabase();
    const memo = memoizeQueries(db);
    expect(await memo.query("SELECT $1", [1])).toEqual([{ n: 1 }]);
    expect(await memo.query("SELECT $1", [1])).toEqual([{ n: 1 }]);
    await memo.query("SELECT $1", [2]);
    expect(ran).toEqual([[1], [2]]);
  });

  it("never serves one caller's read to another: a caller's read is keyed on its row access", async () => {
    const { db, ran } = countingDatabase();
    const memo = memoizeQueries(db);
    const secret: RowAccess = { nation: "GBR", clearanceRank: 3, groups: ["GBR", "FVEY", "NATO"] };
    const restricted: RowAccess = { ...secret, clearanceRank: 1 };
    expect(await memo.queryAs(secret, "SELECT $1", [1])).toEqual([{ n: 1 }]);
    expect(await memo.queryAs({ ...secret, groups: [...secret.groups] }, "SELECT $1", [1])).toEqual([{ n: 1 }]);
    expect(await memo.queryAs(restricted, "SELECT $1", [1])).toEqual([{ n: 2 }]);
    expect(await memo.queryAs({ ...secret, groups: ["GBR"] }, "SELECT $1", [1])).toEqual([{ n: 3 }]);
    expect(await memo.queryAs({ ...secret, nation: "FRA" }, "SELECT $1", [1])).toEqual([{ n: 4 }]);
    // The owner's own read (start-up, tests) is not a caller's either way.
    expect(await memo.query("SELECT $1", [1])).toEqual([{ n: 5 }]);
    expect(ran).toEqual([[3, 1], [1, 1], [3, 1], [3, 1], [1]]);
  });
});
