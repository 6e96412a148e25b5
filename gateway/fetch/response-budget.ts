/**
 * What the subgraphs may send for one request, all their answers together.
 * The gateway's answer is built from them, so bounding them bounds it (and
 * the memory one request can hold) before it is ever serialised. Once spent,
 * the request fetches nothing more and is refused as too large.
 */
export class ResponseBudget {
  private spent = 0;

  constructor(readonly maxBytes: number) {}

  /** Counts one subgraph answer; false once the request has received more than its budget. */
  spend(bytes: number): boolean {
    this.spent += bytes;
    return !this.exceeded;
  }

  get exceeded(): boolean {
    return this.spent > this.maxBytes;
  }
}

/** The default of MAX_RESPONSE_BYTES: a few times the largest answer the cost cap lets the seed data give. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
