import { type ClassificationMarking, type Coalitions, combineMarks, renderBanner } from "@tearline/policy";
import type { GraphQLFormattedError } from "graphql";
import { wrongShape } from "../errors.js";
import type { ExecutionResult } from "../execute/apollo-executor.js";
import type { RequestContext } from "../pipeline/context.js";
import { markOfResponse } from "./banner.js";
import { redactResponse } from "./redact.js";

type Data = Record<string, unknown> | null | undefined;

/** The answer a client gets to an operation that ran (or had nothing left to run). */
export interface CompletedResponse {
  status: number;
  errors?: GraphQLFormattedError[];
  data: Data;
  extensions: Record<string, unknown> & { classification: ClassificationMarking };
}

/**
 * The one response builder: puts back null and a FORBIDDEN_FIELD error at
 * every withheld path, then marks the response with the classification banner
 * of what was actually returned (the fields' labels and the rows' own). `executed` is null when every field was
 * denied and nothing ran; the answer then has the errors and no data.
 */
export function completeResponse(executed: ExecutionResult | null, context: RequestContext, coalitions: Coalitions): CompletedResponse {
  // Apollo's own report of values it could not complete carries its messages: only their paths are passed on.
  const { valueCompletion, ...extensions } = executed?.extensions ?? {};
  const errors: GraphQLFormattedError[] = [
    ...(executed?.errors ?? []),
    ...(Array.isArray(valueCompletion) ? valueCompletion.map((error: { path?: Array<string | number> }) => wrongShape(error.path)) : []),
  ];
  const redacted = redactResponse(
    executed ? executed.data : {},
    context.plan.redaction,
    context.plan.rootOrder,
    // As execution sees them (defaults applied), for @skip/@include on denied fields.
    context.coercedVariables,
    errors,
  );
  const data = executed ? redacted : null;
  // The fields' labels and the records' own: a row above its field's label raises the banner.
  const classification = renderBanner(combineMarks(markOfResponse(data, context.plan.banner), context.rows.mark), coalitions);
  return {
    status: executed?.status ?? 200,
    ...(errors.length > 0 ? { errors } : {}),
    data,
    extensions: { ...extensions, classification },
  };
}
