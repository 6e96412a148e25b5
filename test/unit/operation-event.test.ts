import { describe, expect, it } from "vitest";
import { operationEvent } from "../../gateway/audit/operation-event.js";
import type { RequestRecord } from "../../gateway/audit/record.js";
import { documentOf } from "../support/agreements-fixture.js";
import { principal } from "../support/policy-harness.js";

const base: RequestRecord = {
  requestId: "r-1",
  receivedAt: Date.UTC(2026, 11, 3, 12, 0, 0),
  status: 200,
  principal: undefined,
  operationName: undefined,
  operationHash: undefined,
  agreements: undefined,
  subgraphs: new Set(),
  plan: undefined,
  refusal: undefined,
};
const field = { coordinate: "Actor.name", owners: ["GBR"], decision: "REJECTED" as const, reasons: ["CLEARANCE" as const] };

describe("the audit event of a request", () => {
  it("records a refusal before identity with nothing but what is known", () => {
    expect(operationEvent({ ...base, status: 401, refusal: "UNAUTHENTICATED" })).toEqual({
      kind: "operation",
      at: "2026-12-03T12:00:00.000Z",
      requestId: "r-1",
      status: 401,
      caller: null,
      purpose: null,
      operationName: null,
      operationHash: null,
      fields: [],
      subgraphs: [],
      agreements: {},
      result: "REFUSED",
      code: "UNAUTHENTICATED",
    });
  });

  it("names the caller by nation, sub, issuer and token id only, and the nations called in order", () => {
    const caller = { ...principal({ nation: "FRA", clearance: "SECRET" }), sub: "alice", issuer: "https://idp.fr", tokenId: "t-9" };
    const event = operationEvent({
      ...base,
      principal: caller,
      operationName: "Sent",
      operationHash: "h",
      subgraphs: new Set(["GBR", "DEU"]),
      agreements: new Map([["GBR", documentOf("GBR", {}, 7)]]),
    });
    expect(event).toMatchObject({
      caller: { nation: "FRA", sub: "alice", issuer: "https://idp.fr", tokenId: "t-9" },
      purpose: caller.purpose,
      operationName: "Sent",
      operationHash: "h",
      subgraphs: ["DEU", "GBR"],
      agreements: { GBR: 7 },
      result: "ANSWERED",
      code: null,
    });
    expect(Object.keys(event.caller!)).toEqual(["nation", "sub", "issuer", "tokenId"]);
  });

  it("takes the fields and the operation's own name from the plan, and calls a policy refusal REJECTED", () => {
    const plan = { kind: "reject" as const, denials: [], fields: [field], operationName: "Named", validUntil: 0 };
    expect(operationEvent({ ...base, status: 403, plan, operationName: undefined, refusal: "FORBIDDEN_OPERATION" })).toMatchObject({
      fields: [field],
      operationName: "Named",
      result: "REJECTED",
    });
    const invalid = { kind: "invalid" as const, status: 400 as const, errors: [], validUntil: 0 };
    expect(operationEvent({ ...base, status: 400, plan: invalid, operationName: "Asked", refusal: "GRAPHQL_PARSE_FAILED" })).toMatchObject({
      fields: [],
      operationName: "Asked",
      result: "REFUSED",
    });
  });
});
