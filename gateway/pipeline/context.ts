import type { Principal } from "../auth/principal.js";
import type { ExecutablePlan } from "../enforcement/plan.js";
import type { PolicyState } from "../enforcement/policy-state.js";
import type { ResponseBudget } from "../fetch/response-budget.js";
import type { ReturnedRows } from "../fetch/row-marking.js";
import type { GraphQLRequestBody } from "../http/request-body.js";

/**
 * The one request context that travels down the pipeline once the operation
 * is planned to run: who asks (identity), what they asked, the policy it was
 * decided under, and the plan narrowed to what executes. Each later stage
 * (execute, complete, record) reads it; none writes it back, except the
 * fetches noting the row markings the subgraphs report.
 */
export interface RequestContext {
  readonly requestId: string;
  /** Epoch ms when the request arrived. */
  readonly receivedAt: number;
  readonly principal: Principal;
  readonly request: GraphQLRequestBody;
  /** The request's variables as execution sees them (defaults applied): coerced once, when they were checked. */
  readonly coercedVariables: Readonly<Record<string, unknown>>;
  readonly state: PolicyState;
  readonly plan: ExecutablePlan;
  /** The marking of the rows the subgraphs read for this request: filled in by the fetches, read by the banner. */
  readonly rows: ReturnedRows;
  /** The subgraphs fetched from: filled in by the fetches, read by the record. */
  readonly subgraphs: Set<string>;
  /** What the subgraphs may still send for this request: spent by the fetches, read before the answer is made. */
  readonly budget: ResponseBudget;
}
