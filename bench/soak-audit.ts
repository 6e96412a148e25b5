import { spawnSync } from "node:child_process";
import type { OperationEvent, OperationResult } from "../lib/audit/event.js";
import { readAuditFolder } from "../lib/audit/read-chains.js";

/** A request the soak sent: its answer's x-request-id and status (null without an answer), and the result its kind must have. */
export interface SentRequest {
  request_id: string | null;
  status: number | null;
  audit: OperationResult;
}

export interface AuditCheck {
  chains: number;
  operation_events: number;
  flag_events: number;
  requests_sent: number;
  /** Answered requests whose x-request-id has no event in the chain. */
  missing_events: number;
  /** Answered requests whose event records another result than their kind's. */
  mismatched_events: number;
  /** Answers without an x-request-id, by status (503 OVERLOADED is refused before anything is known, and not recorded). */
  answered_without_id: Record<string, number>;
  /** Requests that got no answer (network error, timeout): no request id to look for. */
  unanswered: number;
  /** `npm run audit:verify` over the soak's chains: its exit status and last line. */
  verifier: { status: number | null; summary: string; seconds: number };
}

/**
 * Every request of the soak against the audit trail it left: one event each, found by the answer's x-request-id and
 * recording the result its kind must have; then the trail's own verifier over the chain (hashes and checkpoints).
 * Run once the gateway has stopped, so that the chain is closed with its final checkpoint.
 */
export async function checkAudit(root: string, auditDir: string, gatewayJwks: string, sent: readonly SentRequest[]): Promise<AuditCheck> {
  const events = new Map<string, OperationEvent>();
  const chains = new Set<string>();
  let flags = 0;
  let operations = 0;
  for await (const entry of readAuditFolder(auditDir)) {
    chains.add(entry.chain);
    if (entry.event.kind === "operation") {
      operations++;
      events.set(entry.event.requestId, entry.event);
    } else if (entry.event.kind === "flag") flags++;
  }
  let missing = 0;
  let mismatched = 0;
  const withoutId: Record<string, number> = {};
  for (const request of sent) {
    if (request.request_id === null) {
      if (request.status !== null) withoutId[request.status] = (withoutId[request.status] ?? 0) + 1;
      continue;
    }
    const event = events.get(request.request_id);
    if (event === undefined) missing++;
    else if (event.result !== request.audit) mismatched++;
  }
  const started = performance.now();
  const verify = spawnSync(process.execPath, ["--import", "tsx", "scripts/audit/verify.ts", "--dir", auditDir, "--keys", gatewayJwks], {
    cwd: root,
    encoding: "utf8",
  });
  return {
    chains: chains.size,
    operation_events: operations,
    flag_events: flags,
    requests_sent: sent.length,
    missing_events: missing,
    mismatched_events: mismatched,
    answered_without_id: withoutId,
    unanswered: sent.filter((r) => r.status === null).length,
    verifier: {
      status: verify.status,
      summary: (verify.stdout.trim() || verify.stderr.trim()).split("\n").at(-1) ?? "",
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
  };
}
