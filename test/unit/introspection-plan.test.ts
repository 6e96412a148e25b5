import type { IncomingMessage } from "node:http";
import { getIntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../gateway/audit/record.js";
import { introspector } from "../../gateway/execute/introspection.js";
import type { RequestContext } from "../../gateway/pipeline/context.js";
import { createGraphQLHandler } from "../../gateway/pipeline/handle-request.js";
import { type PlanOptions, plannerFor, SECRET_GBR, summarise, testState } from "../support/plan-harness.js";
import { coalitions, principal } from "../support/policy-harness.js";

// plannerFor spreads `limits` into the planner's options, the introspection setting among them.
const plannerWith = (introspection: boolean) => plannerFor({ limits: { introspection } as PlanOptions["limits"] });
const planned = (query: string, introspection: boolean) =>
  summarise(plannerWith(introspection).plan(testState, query, undefined, principal(SECRET_GBR)));

describe("the planner and operations about the schema", () => {
  it("refuses __schema and __type while introspection is not enabled, however they are reached", () => {
    for (const query of [
      "{ __schema { queryType { name } } }",
      '{ __type(name: "Actor") { name } }',
      "{ ... on Query { __schema { queryType { name } } } }",
      "{ ...Schema } fragment Schema on Query { __schema { queryType { name } } }",
    ])
      expect(planned(query, false)).toMatchObject({ kind: "invalid", errors: ["INTROSPECTION_DISABLED"] });
  });

  it("plans an operation about the schema alone as introspection, and leaves __typename to the usual plan", () => {
    expect(planned(getIntrospectionQuery(), true)).toMatchObject({ kind: "introspection", denied: [], errors: [] });
    expect(planned("{ __typename }", false)).toMatchObject({ kind: "execute" });
    expect(planned("{ __typename __schema { queryType { name } } }", true)).toMatchObject({ kind: "introspection" });
  });

  it("refuses introspection beside data, and aliases in it", () => {
    expect(planned("{ __schema { queryType { name } } actors { name } }", true).errors).toEqual(["INTROSPECTION_NOT_ALONE"]);
    expect(planned("{ __schema { types { a: name } } }", true).errors).toEqual(["OPERATION_TOO_COMPLEX"]);
    expect(planned('{ a: __type(name: "Actor") { name } b: __type(name: "Memo") { name } }', true).errors).toEqual([
      "OPERATION_TOO_COMPLEX",
    ]);
  });
});

/** One request through the real pipeline and planner, with fake identity, execution and record. */
async function send(body: unknown, options: { introspection: boolean; introspect: boolean }) {
  const executions: RequestContext[] = [];
  const records: RequestRecord[] = [];
  const handler = createGraphQLHandler({
    authenticate: async () => principal({ ...SECRET_GBR, purposes: ["CT", "CYBER"] }),
    policy: () => testState,
    planner: plannerWith(options.introspection),
    execute: async (context) => {
      executions.push(context);
      return { status: 200, data: {}, errors: [], extensions: undefined };
    },
    coalitions,
    recorder: { record: async (record) => void records.push(record) },
    ...(options.introspect ? { introspect: introspector() } : {}),
  });
  const reply = await handler({ headers: {} } as IncomingMessage, async () => body);
  return { status: reply.status, body: JSON.parse(reply.json) as Record<string, unknown>, executions, records };
}

describe("the pipeline and operations about the schema", () => {
  it("answers introspection from the caller's view, runs nothing, and records the operation with no field decided", async () => {
    const { status, body, executions, records } = await send(
      { query: 'query Shape { __type(name: "Actor") { fields { name } } }' },
      { introspection: true, introspect: true },
    );
    expect(status).toBe(200);
    const fields = (body.data as { __type: { fields: Array<{ name: string }> } }).__type.fields.map((field) => field.name);
    expect(fields).toContain("secretName");
    expect(fields).not.toContain("codeword");
    expect(executions).toEqual([]);
    expect(records).toMatchObject([
      { status: 200, refusal: undefined, plan: { kind: "introspection", operationName: "Shape", fields: [] } },
    ]);
  });

  it("refuses introspection when the pipeline has no introspect stage, even if the planner lets it through: fail closed", async () => {
    const { status, body } = await send({ query: "{ __schema { queryType { name } } }" }, { introspection: true, introspect: false });
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [{ message: "Introspection is not enabled on this gateway", extensions: { code: "INTROSPECTION_DISABLED" } }],
    });
  });

  it("refuses bad variables before anything runs, in the gateway's words", async () => {
    const query = "query ($id: ID!, $first: Int) { actor(id: $id) { name } actors(first: $first) { name } }";
    const wrong = await send({ query, variables: { id: "1", first: "many" } }, { introspection: false, introspect: false });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ errors: [{ extensions: { code: "BAD_USER_INPUT" } }] });
    expect(wrong.executions).toEqual([]);
    const deep = await send({ query, variables: { id: "1", other: [[["shallow"]]] } }, { introspection: false, introspect: false });
    expect(deep.status).toBe(200);
    let nested: unknown = 1;
    for (let i = 0; i < 200; i++) nested = [nested];
    const tooDeep = await send({ query, variables: { id: "1", other: nested } }, { introspection: false, introspect: false });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body).toMatchObject({ errors: [{ extensions: { code: "NESTING_TOO_DEEP" } }] });
    expect(tooDeep.records).toMatchObject([{ status: 400, refusal: "NESTING_TOO_DEEP" }]);
  });
});
