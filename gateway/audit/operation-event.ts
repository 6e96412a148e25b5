import type { OperationEvent, OperationResult } from "../../lib/audit/event.js";
import type { RequestRecord } from "./record.js";

const resultOf = (record: RequestRecord): OperationResult =>
  record.refusal === undefined ? "ANSWERED" : record.plan?.kind === "reject" ? "REJECTED" : "REFUSED";

/** The audit event of one request: who, for what purpose, which fields with what decision, from which nations. Never a value or a token. */
export function operationEvent(record: RequestRecord): OperationEvent {
  const { principal, plan } = record;
  return {
    kind: "operation",
    at: new Date(record.receivedAt).toISOString(),
    requestId: record.requestId,
    status: record.status,
    caller: principal ? { nation: principal.nation, sub: principal.sub, issuer: principal.issuer, tokenId: principal.tokenId } : null,
    purpose: principal?.purpose ?? null,
    // The operation that ran, as the document names it: the request need not say operationName for a single operation.
    operationName: plan && plan.kind !== "invalid" ? plan.operationName : (record.operationName ?? null),
    operationHash: record.operationHash ?? null,
    fields: plan && plan.kind !== "invalid" ? [...plan.fields] : [],
    subgraphs: [...record.subgraphs].sort(),
    agreements: Object.fromEntries([...(record.agreements?.values() ?? [])].map((document) => [document.nation, document.version])),
    result: resultOf(record),
    code: record.refusal ?? null,
  };
}
