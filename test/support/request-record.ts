import type { RequestRecord } from "../../gateway/audit/record.js";
import { principal } from "./policy-harness.js";

/** A request as recorded: a verified GBR analyst (CONFIDENTIAL) answered from GBR's subgraph at time 0, no plan kept; overrides replace parts. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: "request-1",
    receivedAt: 0,
    status: 200,
    principal: principal({ nation: "GBR", clearance: "CONFIDENTIAL" }),
    operationName: undefined,
    operationHash: "hash",
    agreements: undefined,
    subgraphs: new Set(["GBR"]),
    plan: undefined,
    refusal: undefined,
    ...overrides,
  };
}
