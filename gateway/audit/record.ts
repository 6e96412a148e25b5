import type { AgreementBook, Classification } from "@tearline/policy";
import type { ErrorCode } from "../../lib/error-codes.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../auth/principal.js";
import type { OperationPlan } from "../enforcement/plan.js";

/**
 * What the record stage knows of one request when it ends, answered or
 * refused: the decisions are in hand (the plan holds every denial). Never a
 * token and never a field value.
 */
export interface RequestRecord {
  requestId: string;
  /** Epoch ms when the request arrived. */
  receivedAt: number;
  status: number;
  /** Undefined when the request was refused before its caller was known. */
  principal: Principal | undefined;
  operationName: string | undefined;
  /** SHA-256 of the operation's text (base64url); undefined when the body was never read. */
  operationHash: string | undefined;
  /** The agreements in force when it was decided; undefined when it was refused before. */
  agreements: AgreementBook | undefined;
  /** The subgraphs fetched from while answering it. */
  subgraphs: ReadonlySet<string>;
  /** The plan the operation was decided with; undefined when it was refused before planning. */
  plan: OperationPlan | undefined;
  /** The code of a refusal; undefined for an answered operation. */
  refusal: ErrorCode | undefined;
  /** The highest classification of the rows the subgraphs reported reading; undefined when it was refused before running. */
  rowsLevel?: Classification;
}

/**
 * The seam where every request's record is written, last, before the answer
 * leaves: an audit store that cannot write must be able to stop the answer
 * (it throws, and the request fails closed).
 */
export interface Recorder {
  record(record: RequestRecord): Promise<void>;
}

/** Records each request as one debug log line: categories and counts, no identities beyond the nation. */
export function logRecorder(log: Logger): Recorder {
  return {
    async record(record) {
      if (!log.isLevelEnabled("debug")) return;
      const denials = record.plan && record.plan.kind !== "invalid" ? record.plan.denials.length : 0;
      log.debug(
        {
          requestId: record.requestId,
          status: record.status,
          nation: record.principal?.nation,
          plan: record.plan?.kind,
          denials,
          refusal: record.refusal,
        },
        "request",
      );
    },
  };
}
