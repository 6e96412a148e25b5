import { getVariableValues, type GraphQLFormattedError } from "graphql";
import { renderBanner, type ClassificationMarking, type Coalitions } from "@tearline/policy";
import type { EnforcementContext } from "../plugins/enforcement-plugin.js";
import { markOfResponse } from "./banner.js";
import { redactResponse } from "./redact.js";

type Data = Record<string, unknown> | null | undefined;

/** Variables as execution sees them (defaults applied), for evaluating @skip/@include on denied fields. */
function coercedVariables(context: EnforcementContext): Record<string, unknown> {
  // Only denied fields need them: a caller who may see everything pays nothing here.
  if (context.plan.kind !== "execute" || context.plan.redaction.length === 0) return {};
  const coerced = getVariableValues(context.state.schema, context.plan.variableDefinitions, context.variables);
  return coerced.coerced ?? {};
}

/** Redaction and banner for one executed response; mutates `errors`. */
export function finishResponse(data: Data, errors: GraphQLFormattedError[], context: EnforcementContext, coalitions: Coalitions): { data: Data; classification: ClassificationMarking } {
  if (context.plan.kind !== "execute") throw new Error("only executed plans have a response");
  const redacted = redactResponse(data, context.plan.redaction, context.plan.rootOrder, coercedVariables(context), errors);
  return { data: redacted, classification: renderBanner(markOfResponse(redacted, context.plan.banner), coalitions) };
}

/** The response to an operation whose every field was denied: nothing is executed. */
export function completeWithoutExecution(context: EnforcementContext, coalitions: Coalitions) {
  const errors: GraphQLFormattedError[] = [];
  const { classification } = finishResponse({}, errors, context, coalitions);
  return { data: null, errors, extensions: { classification } };
}
