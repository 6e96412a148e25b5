import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { AuditUnavailable } from "../../gateway/audit/chain-writer.js";
import type { Recorder, RequestRecord } from "../../gateway/audit/record.js";
import type { ExecutionResult } from "../../gateway/execute/apollo-executor.js";
import { MAX_QUERY_LENGTH } from "../../gateway/http/request-body.js";
import { Admission } from "../../gateway/pipeline/admission.js";
import type { RequestContext } from "../../gateway/pipeline/context.js";
import { createGraphQLHandler } from "../../gateway/pipeline/handle-request.js";
import { ErrorCode } from "../../lib/error-codes.js";
import { HttpError, type HttpReply } from "../../lib/http-server.js";
import { plannerFor, testState } from "../support/plan-harness.js";
import { coalitions, type PrincipalSpec, principal } from "../support/policy-harness.js";

interface Fakes {
  caller?: PrincipalSpec | "unauthenticated";
  body?: unknown;
  noPolicy?: boolean;
  executed?: ExecutionResult;
  recorder?: Recorder;
  /** The token's expiry, epoch seconds. */
  expiresAt?: number;
  /** How long the body takes to arrive, ms. */
  bodyDelayMs?: number;
  admission?: Admission;
  maxResponseBytes?: number;
  /** Bytes the subgraphs send during execution, spent from the request's budget. */
  fetchedBytes?: number;
}

/** Runs one request through the real pipeline with fake identity, execution and record stages; reports what each saw. */
async function send(fakes: Fakes) {
  const records: RequestRecord[] = [];
  const executions: RequestContext[] = [];
  let bodyRead = false;
  const handler = createGraphQLHandler({
    authenticate: async () => {
      if (fakes.caller === "unauthenticated") throw new HttpError(401, ErrorCode.Unauthenticated, "no");
      const caller = principal(fakes.caller ?? { nation: "GBR", clearance: "CONFIDENTIAL" });
      return fakes.expiresAt === undefined ? caller : { ...caller, expiresAt: fakes.expiresAt };
    },
    policy: () => (fakes.noPolicy ? undefined : testState),
    planner: plannerFor(),
    execute: async (context) => {
      executions.push(context);
      if (fakes.fetchedBytes !== undefined) context.budget.spend(fakes.fetchedBytes);
      return fakes.executed ?? { status: 200, data: {}, errors: [], extensions: undefined };
    },
    coalitions,
    recorder: fakes.recorder ?? { record: async (record) => void records.push(record) },
    admission: fakes.admission,
    maxResponseBytes: fakes.maxResponseBytes,
  });
  const readBody = async () => {
    if (fakes.bodyDelayMs) await new Promise((resolve) => setTimeout(resolve, fakes.bodyDelayMs));
    bodyRead = true;
    return fakes.body ?? { query: `{ actor(id: "1") { name } }` };
  };
  const outcome = await handler({ headers: {} } as IncomingMessage, readBody).then(
    (reply: HttpReply) => ({ reply, body: JSON.parse(reply.json) as Record<string, unknown>, error: undefined }),
    (error: unknown) => ({ reply: undefined, body: undefined, error }),
  );
  return { ...outcome, records, executions, bodyRead };
}

describe("the request pipeline: identity → plan → execute → complete → record", () => {
  it("refuses an unauthenticated request before reading its body, and records the refusal", async () => {
    const { error, bodyRead, records, executions } = await send({ caller: "unauthenticated" });
    expect(error).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    expect(bodyRead).toBe(false);
    expect(executions).toEqual([]);
    expect(records).toMatchObject([{ status: 401, refusal: "UNAUTHENTICATED", principal: undefined, plan: undefined }]);
    // The refusal names its event, as every answer does.
    expect((error as HttpError).headers?.["x-request-id"]).toBe(records[0]?.requestId);
  });

  it("refuses a token that expires while its body is still arriving, and runs nothing", async () => {
    const { error, executions } = await send({ expiresAt: Date.now() / 1000 + 0.1, bodyDelayMs: 200 });
    expect(error).toMatchObject({ status: 401, code: ErrorCode.Unauthenticated });
    expect(executions).toHaveLength(0);
    expect((await send({ expiresAt: Date.now() / 1000 + 5, bodyDelayMs: 10 })).executions).toHaveLength(1);
  });

  it("answers 503 POLICY_UNAVAILABLE while no policy is loaded, and runs nothing", async () => {
    const { reply, body, executions, records } = await send({ noPolicy: true });
    expect(reply?.status).toBe(503);
    expect(body).toEqual({ errors: [{ message: "The access policy is not available", extensions: { code: "POLICY_UNAVAILABLE" } }] });
    expect(executions).toEqual([]);
    expect(records).toMatchObject([{ status: 503, refusal: "POLICY_UNAVAILABLE" }]);
  });

  it("refuses a query longer than the limit with 413 QUERY_TOO_LARGE, and accepts one at the limit", async () => {
    const padded = (length: number) => `{ actors { name } }`.padEnd(length, " ");
    const tooLong = await send({ body: { query: padded(MAX_QUERY_LENGTH + 1) } });
    expect(tooLong.error).toMatchObject({ status: 413, code: "QUERY_TOO_LARGE" });
    expect(tooLong.records).toMatchObject([{ status: 413, refusal: "QUERY_TOO_LARGE", principal: { nation: "GBR" } }]);
    expect((await send({ body: { query: padded(MAX_QUERY_LENGTH) } })).reply?.status).toBe(200);
  });

  it.each(<Array<[string, unknown, string]>>[
    ["not an object", "a string", "Send one GraphQL request as a JSON object"],
    ["no query", { variables: {} }, "The request has no query string (persisted queries are not supported)"],
    ["a numeric operationName", { query: "{ actors { name } }", operationName: 3 }, "operationName must be a string"],
    ["variables as a list", { query: "{ actors { name } }", variables: [] }, "variables must be an object"],
    ...[
      ["an operationName past 256 characters", `A${"a".repeat(256)}`],
      ["an operationName that is no GraphQL name", "Dossier query"],
      ["an empty operationName", ""],
      ["an operationName starting with a digit", "1Dossier"],
    ].map(([name, operationName]): [string, unknown, string] => [
      name as string,
      { query: "{ actors { name } }", operationName },
      "operationName must be a GraphQL name (a letter or _, then letters, digits or _) of at most 256 characters",
    ]),
  ])("refuses a body with %s with 400 BAD_REQUEST", async (_name, body, message) => {
    expect((await send({ body })).error).toMatchObject({ status: 400, code: "BAD_REQUEST", message });
  });

  it("accepts an operationName of 256 characters, and a request without one", async () => {
    const query = `query ${"_A".repeat(128)} { actors { name } }`;
    expect((await send({ body: { query, operationName: "_A".repeat(128) } })).reply?.status).toBe(200);
    expect((await send({ body: { query, operationName: null } })).reply?.status).toBe(200);
  });

  it("answers an invalid operation with 400 and its errors, and runs nothing", async () => {
    const { reply, body, executions } = await send({ body: { query: `{ actor(id: "1") { nam } }` } });
    expect(reply?.status).toBe(400);
    expect(body).toMatchObject({ errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
    expect(executions).toEqual([]);
  });

  it("refuses an operation with a REJECT denial with 403 and the denied paths by category", async () => {
    const { reply, body, executions, records } = await send({ body: { query: `{ actor(id: "1") { name hot } }` } });
    expect(reply?.status).toBe(403);
    expect(body).toEqual({
      errors: [
        {
          message: "The operation asks for fields this caller may not see",
          extensions: { code: "FORBIDDEN_OPERATION", deniedPaths: [{ path: ["actor", "hot"], reasons: ["CLEARANCE", "RELEASABILITY"] }] },
        },
      ],
    });
    expect(executions).toEqual([]);
    expect(records).toMatchObject([{ status: 403, refusal: "FORBIDDEN_OPERATION", plan: { kind: "reject" } }]);
  });

  it("executes only the rewritten operation, then puts the withheld field back and marks the answer", async () => {
    const executed: ExecutionResult = { status: 200, data: { actor: { name: "Fancy Bear" } }, errors: [], extensions: undefined };
    const { reply, body, executions, records } = await send({ body: { query: `{ actor(id: "1") { name secretName } }` }, executed });
    expect(executions.map((c) => c.plan.query)).toEqual([`{\n  actor(id: "1") {\n    name\n  }\n}`]);
    expect(reply?.status).toBe(200);
    expect(reply?.headers?.["x-request-id"]).toBe(records[0]?.requestId);
    expect(body).toEqual({
      errors: [
        {
          message: "This field is withheld: the caller is not authorised to see it",
          path: ["actor", "secretName"],
          extensions: { code: "FORBIDDEN_FIELD", reason: "CLEARANCE", reasons: ["CLEARANCE"] },
        },
      ],
      data: { actor: { name: "Fancy Bear", secretName: null } },
      extensions: {
        classification: { banner: "RESTRICTED//REL TO NATO", level: "RESTRICTED", releasableTo: expect.any(Array), compartments: [] },
      },
    });
    expect(records).toMatchObject([{ status: 200, refusal: undefined, plan: { kind: "execute" }, principal: { nation: "GBR" } }]);
  });

  it("answers an operation with every field withheld without executing anything", async () => {
    const { reply, body, executions } = await send({ caller: { clearance: "UNCLASSIFIED" }, body: { query: `{ actors { name } }` } });
    expect(executions).toEqual([]);
    expect(reply?.status).toBe(200);
    expect(body).toMatchObject({
      data: null,
      errors: [{ path: ["actors"], extensions: { code: "FORBIDDEN_FIELD", reason: "CLEARANCE" } }],
    });
    expect(body?.extensions).toMatchObject({ classification: { level: "UNCLASSIFIED" } });
  });

  it("refuses a page size in a variable past its maximum, recorded, and runs nothing", async () => {
    const query = `query($n: Int) { actors(first: $n) { name } }`;
    const atMost = await send({ body: { query, variables: { n: 100 } } });
    expect({ status: atMost.reply?.status, executions: atMost.executions.length }).toEqual({ status: 200, executions: 1 });
    const past = await send({ body: { query, variables: { n: 101 } } });
    expect(past.reply?.status).toBe(400);
    expect(past.body).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT" } }] });
    expect(past.executions).toEqual([]);
    expect(past.records).toMatchObject([{ status: 400, refusal: "BAD_USER_INPUT" }]);
  });

  it("refuses an answer larger than the cap with RESPONSE_TOO_LARGE, and one whose subgraphs sent more than it", async () => {
    const executed: ExecutionResult = { status: 200, data: { actor: { name: "x".repeat(2000) } }, errors: [], extensions: undefined };
    const large = await send({ executed, maxResponseBytes: 1024 });
    expect(large.reply?.status).toBe(400);
    expect(large.body).toMatchObject({ errors: [{ extensions: { code: "RESPONSE_TOO_LARGE" } }] });
    expect(large.reply?.json).not.toContain("xxxx");
    expect(large.records).toMatchObject([{ status: 400, refusal: "RESPONSE_TOO_LARGE" }]);
    expect((await send({ fetchedBytes: 1025, maxResponseBytes: 1024 })).body).toMatchObject({
      errors: [{ extensions: { code: "RESPONSE_TOO_LARGE" } }],
    });
    expect((await send({ fetchedBytes: 1024, maxResponseBytes: 1024 })).reply?.status).toBe(200);
  });

  it("refuses past the operations in flight (503 unrecorded, 429 recorded before the body is read), and gives the places back", async () => {
    const full = new Admission({ maxInFlight: 1, maxInFlightPerSubject: 1, maxCostInFlightPerSubject: 100 });
    const held = full.enter();
    const shed = await send({ admission: full });
    expect(shed.error).toMatchObject({ status: 503, code: "OVERLOADED", headers: { "retry-after": "1" } });
    expect({ records: shed.records, bodyRead: shed.bodyRead }).toEqual({ records: [], bodyRead: false });
    held.release();
    const perCaller = new Admission({ maxInFlight: 10, maxInFlightPerSubject: 1, maxCostInFlightPerSubject: 100 });
    perCaller.enter().admit(principal({ nation: "GBR", clearance: "CONFIDENTIAL" }));
    const busy = await send({ admission: perCaller });
    expect(busy.error).toMatchObject({ status: 429, code: "TOO_MANY_OPERATIONS", headers: { "retry-after": "1" } });
    expect({ bodyRead: busy.bodyRead, records: busy.records }).toMatchObject({
      bodyRead: false,
      records: [{ refusal: "TOO_MANY_OPERATIONS" }],
    });
    expect(perCaller.size).toBe(1);
    // Past the caller's cost in flight, once planned: 429 too, recorded with the plan.
    const heavy = new Admission({ maxInFlight: 10, maxInFlightPerSubject: 10, maxCostInFlightPerSubject: 2 });
    const running = heavy.enter();
    running.admit(principal({ nation: "GBR", clearance: "CONFIDENTIAL" }));
    running.weigh(2);
    const costly = await send({ admission: heavy });
    expect(costly.reply?.status).toBe(429);
    expect(costly.reply?.headers).toMatchObject({ "retry-after": "1" });
    expect(costly.records).toMatchObject([{ status: 429, refusal: "TOO_MANY_OPERATIONS", plan: { kind: "execute" } }]);
    expect(costly.executions).toEqual([]);
    expect((await send({ admission: full })).reply?.status).toBe(200);
    expect(full.size).toBe(0);
  });

  it("releases no answer when its record cannot be written (fail closed)", async () => {
    const { error, executions } = await send({ recorder: { record: async () => Promise.reject(new Error("audit store is full")) } });
    expect(executions).toHaveLength(1);
    expect(error).toEqual(new Error("audit store is full"));
  });

  it("answers 503 AUDIT_UNAVAILABLE, with nothing of the data, when the audit trail cannot take the record", async () => {
    const full: Recorder = { record: async () => Promise.reject(new AuditUnavailable("the audit trail cannot be written")) };
    const answered = await send({ recorder: full });
    expect(answered.executions).toHaveLength(1);
    expect(answered.error).toMatchObject({ status: 503, code: "AUDIT_UNAVAILABLE" });
    // A refusal whose record cannot be written is withheld the same way: no 401 without its event either.
    expect((await send({ caller: "unauthenticated", recorder: full })).error).toMatchObject({ status: 503, code: "AUDIT_UNAVAILABLE" });
  });

  it("records what the audit event needs: the operation's hash, the agreements in force, the decided fields", async () => {
    const { records } = await send({
      caller: { clearance: "CONFIDENTIAL" },
      body: { query: `query Q { actor(id: "1") { name secretName } }` },
    });
    expect(records[0]).toMatchObject({
      operationHash: expect.stringMatching(/^[\w-]{43}$/),
      agreements: testState.agreements,
      plan: {
        operationName: "Q",
        fields: expect.arrayContaining([
          expect.objectContaining({ coordinate: "Actor.secretName", decision: "REDACTED", reasons: ["CLEARANCE"] }),
          expect.objectContaining({ coordinate: "Actor.name", decision: "ALLOWED", reasons: [] }),
        ]),
      },
    });
  });
});
