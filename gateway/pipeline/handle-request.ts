import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Coalitions } from "@tearline/policy";
import { ErrorCode } from "../../lib/error-codes.js";
import { errorBody, HttpError, type HttpReply, jsonReply, type RequestHandler } from "../../lib/http-server.js";
import { AuditUnavailable } from "../audit/chain-writer.js";
import type { Recorder, RequestRecord } from "../audit/record.js";
import { UNAUTHENTICATED_MESSAGE } from "../auth/authenticate.js";
import type { Principal } from "../auth/principal.js";
import { INTROSPECTION_DISABLED_MESSAGE } from "../enforcement/introspection.js";
import { type OperationPlanner, operationHash } from "../enforcement/plan.js";
import type { PolicyState } from "../enforcement/policy-state.js";
import { checkVariables } from "../enforcement/variables.js";
import type { Execute } from "../execute/apollo-executor.js";
import type { Introspect } from "../execute/introspection.js";
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseBudget } from "../fetch/response-budget.js";
import { ReturnedRows } from "../fetch/row-marking.js";
import { type GraphQLRequestBody, graphQLRequestBody } from "../http/request-body.js";
import { completeResponse } from "../response/complete.js";
import { renderDeniedPaths } from "../response/denied-paths.js";
import { Admission, DEFAULT_ADMISSION_LIMITS, RETRY_AFTER, type Ticket } from "./admission.js";
import type { RequestContext } from "./context.js";

export interface PipelineStages {
  /** Identity: a verified caller, or an HttpError (401, or 400/403 for the purpose). */
  /** Given every occurrence of each header: a header sent twice is refused (400), never read as its first or joined. */
  authenticate(headers: IncomingMessage["headersDistinct"]): Promise<Principal>;
  /** The policy of the supergraph being served; undefined while there is none (every request is refused). */
  policy(): PolicyState | undefined;
  planner: OperationPlanner;
  execute: Execute;
  coalitions: Coalitions;
  recorder: Recorder;
  /** The operations in flight: all callers' (503 past it) and each caller's (429); default the default limits. */
  admission?: Admission;
  /** Largest answer, and most the subgraphs may send for one request, in bytes; default DEFAULT_MAX_RESPONSE_BYTES. */
  maxResponseBytes?: number;
  /** Answers an operation about the schema from the caller's view of it; without it, such an operation is refused. */
  introspect?: Introspect;
  /** Seconds until a caller throttled after an anomaly flag may ask again; undefined when it is not throttled. */
  retryAfter?(principal: Principal, now: number): number | undefined;
}

/**
 * The gateway's request path, in one direction: identity (401 before the
 * body is even read) → plan (decide, rewrite) → execute (only the rewritten
 * operation) → complete (withheld fields, banner) → record. Every request is
 * recorded, refused ones too, before its answer leaves.
 */
export function createGraphQLHandler(stages: PipelineStages): RequestHandler {
  const admission = stages.admission ?? new Admission(DEFAULT_ADMISSION_LIMITS);
  const maxResponseBytes = stages.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const answer = async (req: IncomingMessage, readBody: () => Promise<unknown>, ticket: Ticket): Promise<HttpReply> => {
    const subgraphs = new Set<string>();
    const record: RequestRecord = {
      requestId: randomUUID(),
      receivedAt: Date.now(),
      status: 0,
      principal: undefined,
      operationName: undefined,
      operationHash: undefined,
      agreements: undefined,
      subgraphs,
      plan: undefined,
      refusal: undefined,
    };
    const finish = async (reply: HttpReply, refusal?: ErrorCode): Promise<HttpReply> => {
      await recordOrWithhold(stages.recorder, { ...record, status: reply.status, refusal });
      return { ...reply, headers: { ...reply.headers, "x-request-id": record.requestId } };
    };
    const refuse = (status: number, code: ErrorCode, body: unknown) => finish(jsonReply(status, body), code);
    const tooLarge = () => {
      const message = `The answer would be larger than ${maxResponseBytes} bytes: ask for fewer fields or smaller pages`;
      return refuse(400, ErrorCode.ResponseTooLarge, { errors: [{ message, extensions: { code: ErrorCode.ResponseTooLarge } }] });
    };

    let principal: Principal;
    let request: GraphQLRequestBody;
    let decidedAt: number;
    try {
      principal = await stages.authenticate(req.headersDistinct);
      record.principal = principal;
      ticket.admit(principal);
      request = graphQLRequestBody(await readBody());
      record.operationName = request.operationName;
      record.operationHash = operationHash(request.query);
      // A body sent slowly must not stretch a token, or a decision, past its time: both are judged once it has arrived.
      decidedAt = Date.now();
      if (principal.expiresAt * 1000 <= decidedAt) throw new HttpError(401, ErrorCode.Unauthenticated, UNAUTHENTICATED_MESSAGE);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      await recordOrWithhold(stages.recorder, { ...record, status: error.status, refusal: error.code });
      // The refusal carries the id of its event too, as every other answer does.
      throw new HttpError(error.status, error.code, error.message, { ...error.headers, "x-request-id": record.requestId });
    }

    const retryAfter = stages.retryAfter?.(principal, decidedAt);
    if (retryAfter !== undefined)
      return finish(
        jsonReply(429, errorBody(ErrorCode.Throttled, "Too many requests; retry later"), { "retry-after": String(retryAfter) }),
        ErrorCode.Throttled,
      );

    const state = stages.policy();
    if (!state)
      return refuse(503, ErrorCode.PolicyUnavailable, {
        errors: [{ message: "The access policy is not available", extensions: { code: ErrorCode.PolicyUnavailable } }],
      });

    record.agreements = state.agreements;
    const plan = stages.planner.plan(state, request.query, request.operationName, principal, decidedAt, record.operationHash);
    record.plan = plan;
    if (plan.kind === "invalid") return refuse(plan.status, plan.errors[0]?.extensions?.code as ErrorCode, { errors: plan.errors });
    if (plan.kind === "reject") {
      const errors = [
        {
          message: "The operation asks for fields this caller may not see",
          extensions: { code: ErrorCode.ForbiddenOperation, deniedPaths: renderDeniedPaths(plan.denials) },
        },
      ];
      return refuse(403, ErrorCode.ForbiddenOperation, { errors });
    }
    // Coerced here, before execution, so that a refusal is the gateway's own: no suggestion, no stack overflow.
    const variables = checkVariables(state.schema, plan.variableDefinitions, request.variables);
    if (variables.errors) return refuse(400, variables.errors[0]?.extensions?.code as ErrorCode, { errors: variables.errors });
    // A page size or a cost that depends on the variables is weighed now that they are known.
    const weighed = stages.planner.weigh(plan, request.variables);
    if ("refusal" in weighed) return refuse(400, weighed.refusal.extensions?.code as ErrorCode, { errors: [weighed.refusal] });
    if (!ticket.weigh(weighed.cost)) {
      const message = "Too much in flight for this caller; retry shortly";
      const body = { errors: [{ message, extensions: { code: ErrorCode.TooManyOperations } }] };
      return finish(jsonReply(429, body, RETRY_AFTER), ErrorCode.TooManyOperations);
    }
    if (plan.kind === "introspection") {
      if (!stages.introspect) {
        const errors = [{ message: INTROSPECTION_DISABLED_MESSAGE, extensions: { code: ErrorCode.IntrospectionDisabled } }];
        return refuse(400, ErrorCode.IntrospectionDisabled, { errors });
      }
      return finish(jsonReply(200, stages.introspect({ state, principal, plan, variables: request.variables, now: decidedAt })));
    }

    const context: RequestContext = {
      requestId: record.requestId,
      receivedAt: record.receivedAt,
      principal,
      request,
      coercedVariables: variables.coerced,
      state,
      plan,
      rows: new ReturnedRows(),
      subgraphs,
      budget: new ResponseBudget(maxResponseBytes),
    };
    const executed = plan.query === null ? null : await stages.execute(context);
    if (context.budget.exceeded) return tooLarge();
    record.rowsLevel = context.rows.mark.level;
    const { status, ...response } = completeResponse(executed, context, stages.coalitions);
    // Serialised whole, but made of at most the budget's worth of subgraph answers: never without bound.
    const reply = jsonReply(status, response);
    return Buffer.byteLength(reply.json) > maxResponseBytes ? tooLarge() : finish(reply);
  };
  return async (req, readBody) => {
    // A place in flight before anything else is done, given back once the answer is made (refusals too).
    const ticket = admission.enter();
    try {
      return await answer(req, readBody, ticket);
    } finally {
      ticket.release();
    }
  };
}

/** Records a request; when the audit trail cannot take it, the answer is withheld: 503, and nothing of the data leaves. */
async function recordOrWithhold(recorder: Recorder, record: RequestRecord): Promise<void> {
  try {
    await recorder.record(record);
  } catch (error) {
    if (error instanceof AuditUnavailable)
      throw new HttpError(503, ErrorCode.AuditUnavailable, "The audit trail cannot be written; no answer is released");
    throw error;
  }
}
