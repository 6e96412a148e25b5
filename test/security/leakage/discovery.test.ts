import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceProcess } from "../../../scripts/stack/service-process.js";
import { post } from "../../support/graphql-client.js";
import { type Caller, FULLY_CLEARED, startExtraGateway, startTestStack, type TestStack } from "../../support/test-stack.js";

/** What no client may ever read in an answer: suggestions, library names and the engine's own failures. */
const INTERNALS = [/did you mean/i, /apollo/i, /call stack/i, /graphql-js/i, /undici/i, /RangeError/, /at .*\.(ts|js):\d+/];

function expectNoInternals(text: string): void {
  for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);
}

/** POSTs a body given as text: a deeply nested value cannot go through JSON.stringify. */
async function postText(url: string, body: string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await response.text();
  return {
    status: response.status,
    text,
    body: JSON.parse(text) as { errors?: Array<{ message: string; extensions?: { code?: string } }> },
  };
}

const codes = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (body.errors ?? []).map((e) => e.extensions?.code);

/** A British analyst cleared to RESTRICTED only, for CT only, with no scope and no compartment. */
const RESTRICTED_GBR: Caller = { nation: "GBR", clearance: "RESTRICTED", purposes: ["CT"] };

interface TypeView {
  name: string;
  kind: string;
  fields: Array<{ name: string }> | null;
  interfaces: Array<{ name: string }> | null;
}

describe("leakage: no suggestions, no internal messages, a schema view per caller", () => {
  let stack: TestStack;
  let introspective: ServiceProcess;
  let auth: Record<string, string>;

  beforeAll(async () => {
    stack = await startTestStack();
    introspective = await startExtraGateway(stack, { INTROSPECTION: "true" });
    auth = await stack.headers(FULLY_CLEARED);
  });
  afterAll(async () => {
    await introspective?.stop();
    await stack?.stop();
  });

  describe("no suggestions anywhere", () => {
    it("refuses an enum variable in the wrong case with BAD_USER_INPUT and no suggestion of the right one", async () => {
      const query = "query Kinds($k: IndicatorKind) { indicators(kind: $k, first: 1) { value } }";
      const { status, body, text } = await post(stack.gateway.url, query, { k: "ipv4" }, auth);
      expect(status).toBe(400);
      expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
      expect(text).not.toContain("IPV4");
      expectNoInternals(text);
    });

    it("refuses a misspelt field, argument, enum literal or type without naming what was meant", async () => {
      for (const query of [
        '{ threatActor(id: "TA-0001") { nam } }',
        '{ threatActor(idd: "TA-0001") { name } }',
        "{ indicators(kind: ipv4, first: 1) { value } }",
        "query ($k: IndicatorKnd) { indicators(kind: $k) { value } }",
        "{ threatActors(first: 1) { ... on ThreatActr { name } } }",
      ]) {
        const { status, body, text } = await post(stack.gateway.url, query, {}, auth);
        expect(status).toBe(400);
        expect(codes(body)[0]).toBe("GRAPHQL_VALIDATION_FAILED");
        expectNoInternals(text);
      }
    });

    it("refuses a variable of the wrong shape with BAD_USER_INPUT and no suggestion", async () => {
      for (const variables of [{ k: { value: "IPV4" } }, { k: ["IPV4", "ipv6"] }, { k: "Ipv6" }]) {
        const query = "query Kinds($k: IndicatorKind) { indicators(kind: $k, first: 1) { value } }";
        const { status, body, text } = await post(stack.gateway.url, query, variables, auth);
        expect(status).toBe(400);
        expect(codes(body)[0]).toBe("BAD_USER_INPUT");
        expectNoInternals(text);
      }
    });
  });

  describe("no internal messages", () => {
    it("refuses introspection while it is not enabled with INTROSPECTION_DISABLED, not with the server's own message", async () => {
      for (const query of ["{ __schema { types { name } } }", '{ __type(name: "ThreatActor") { name } }']) {
        const { status, body, text } = await post(stack.gateway.url, query, {}, auth);
        expect(status).toBe(400);
        expect(body.errors).toEqual([
          { message: "Introspection is not enabled on this gateway", extensions: { code: "INTROSPECTION_DISABLED" } },
        ]);
        expect(text).not.toContain("ThreatActor");
        expectNoInternals(text);
      }
    });

    it("refuses thousands of nested brackets in the query text with NESTING_TOO_DEEP, not a stack overflow", async () => {
      const selections = `{ threatActors ${"{ threatActors ".repeat(3000)}${"} ".repeat(3000)}}`;
      const list = `{ threatActors(first: ${"[".repeat(4500)}${"]".repeat(4500)}) { name } }`;
      for (const query of [selections, list]) {
        const { status, body, text } = await post(stack.gateway.url, query, {}, auth);
        expect(status).toBe(400);
        expect(codes(body)).toEqual(["NESTING_TOO_DEEP"]);
        expectNoInternals(text);
      }
    });

    it("refuses variables nested thousands deep with NESTING_TOO_DEEP, whether the operation uses them or not", async () => {
      const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      for (const variables of [
        `{"id": ${deep}}`,
        `{"unused": ${deep}}`,
        `{"id": "TA-0001", "x": ${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}}`,
      ]) {
        const body = `{"query": "query Actor($id: ID!) { threatActor(id: $id) { name } }", "variables": ${variables}}`;
        const answer = await postText(stack.gateway.url, body, auth);
        expect(answer.status).toBe(400);
        expect(codes(answer.body)).toEqual(["NESTING_TOO_DEEP"]);
        expectNoInternals(answer.text);
      }
    });

    it("still answers a well-formed operation after all of the above", async () => {
      const { status, body } = await post(stack.gateway.url, "{ threatActors(first: 1) { name } }", {}, auth);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
    });
  });

  describe("a schema view per caller (INTROSPECTION=true)", () => {
    const typesOf = async (caller: Caller) => {
      const { status, body, text } = await post(introspective.url, getIntrospectionQuery(), {}, await stack.headers(caller));
      expect(status, text).toBe(200);
      expect(body.errors).toBeUndefined();
      const types = (body.data as { __schema: { types: TypeView[] } }).__schema.types;
      return { text, types: new Map(types.map((type) => [type.name, type])) };
    };
    const fieldsOf = (types: Map<string, TypeView>, name: string) => types.get(name)?.fields?.map((field) => field.name) ?? [];

    it("refuses an anonymous caller with 401, before anything is parsed", async () => {
      const { status, body } = await post(introspective.url, "{ __schema { types { name } } }");
      expect(status).toBe(401);
      expect(codes(body)).toEqual(["UNAUTHENTICATED"]);
    });

    it("shows a RESTRICTED caller only what RESTRICTED may see: no CONFIDENTIAL type, no field above it", async () => {
      const { text, types } = await typesOf(RESTRICTED_GBR);
      // Every report but Estonia's is CONFIDENTIAL: their lists go with their types.
      expect(fieldsOf(types, "Query").sort()).toEqual(["estReports", "indicator", "indicators", "threatActor", "threatActors"]);
      // France's assessment is CONFIDENTIAL too.
      for (const hidden of ["GbrReport", "FraReport", "DeuReport", "ThreatAssessment", "gbrReports", "assessment", "judgement"])
        expect(text).not.toContain(hidden);
      expect(fieldsOf(types, "ThreatActor")).not.toEqual(expect.arrayContaining(["assessment"]));
      // A field of a visible type that needs more: a compartment, a scope, a purpose the caller does not hold.
      expect(fieldsOf(types, "Sighting")).not.toContain("sourceRef");
      expect(fieldsOf(types, "ThreatActor")).not.toContain("watchlistEntry");
      expect(fieldsOf(types, "EstReport")).not.toContain("body");
      // The Report interface has no field that every report lets this caller see: it is gone, and Estonia's report no longer names it.
      expect(types.has("Report")).toBe(false);
      expect(types.get("EstReport")?.interfaces).toEqual([]);
      // The label vocabulary is nobody's business: no label directive, no enum of the policy.
      expect(types.has("Classification")).toBe(false);
      expect(types.has("DenyMode")).toBe(false);
      expect(text).not.toContain('"label"');
    });

    it("shows a caller cleared for more the fields they hold, for any purpose they hold, not only the one declared", async () => {
      const { types } = await typesOf({ ...FULLY_CLEARED, purpose: "CT" });
      expect(fieldsOf(types, "Sighting")).toContain("sourceRef");
      expect(fieldsOf(types, "ThreatActor")).toEqual(expect.arrayContaining(["assessment", "watchlistEntry", "gbrReports"]));
      // Estonia's report body is for CYBER only: declared CT, held CYBER too.
      expect(fieldsOf(types, "EstReport")).toContain("body");
      expect(types.has("Report")).toBe(true);
    });

    it("answers __type for a hidden type with null, as for a type that does not exist", async () => {
      const headers = await stack.headers(RESTRICTED_GBR);
      const hidden = await post(introspective.url, '{ __type(name: "GbrReport") { name fields { name } } }', {}, headers);
      const missing = await post(introspective.url, '{ __type(name: "NoSuchType") { name fields { name } } }', {}, headers);
      expect(hidden.body).toEqual({ data: { __type: null } });
      expect(missing.body).toEqual(hidden.body);
    });

    it("refuses introspection mixed with data, and aliases inside introspection, each with its own code", async () => {
      const mixed = await post(introspective.url, "{ __schema { queryType { name } } threatActors(first: 1) { name } }", {}, auth);
      expect(mixed.status).toBe(400);
      expect(codes(mixed.body)).toEqual(["INTROSPECTION_NOT_ALONE"]);
      const aliased = await post(introspective.url, "{ a: __schema { types { name } } b: __schema { types { name } } }", {}, auth);
      expect(aliased.status).toBe(400);
      expect(codes(aliased.body)).toEqual(["OPERATION_TOO_COMPLEX"]);
      expectNoInternals(mixed.text + aliased.text);
    });
  });
});
