import { createHash } from "node:crypto";
import { buildSupergraphIndex, type Coalitions, type LabelIndex } from "@tearline/policy";
import type { GraphQLSchema } from "graphql";
import { logger } from "../../lib/logger.js";

const log = logger("policy");

/** The policy of one supergraph: its API schema and its label index. */
export interface PolicyState {
  schema: GraphQLSchema;
  index: LabelIndex;
  /** Changes with every supergraph, so that no plan outlives the schema it was made for. */
  version: string;
}

/**
 * The policy that goes with the supergraph the gateway serves. Replaced as a
 * whole when the supergraph changes; until the first supergraph arrives, or
 * if its labels cannot be read, there is no policy and every request is
 * refused (fail closed).
 */
export class PolicyHolder {
  private state: PolicyState | undefined;

  constructor(private readonly coalitions: Coalitions) {}

  /** Throws when the supergraph's labels are unlabelled or malformed; used to refuse a new supergraph before it goes live. */
  check(supergraphSdl: string): void {
    buildSupergraphIndex(supergraphSdl, this.coalitions);
  }

  update(apiSchema: GraphQLSchema, supergraphSdl: string): void {
    try {
      const index = buildSupergraphIndex(supergraphSdl, this.coalitions);
      this.state = { schema: apiSchema, index, version: createHash("sha256").update(supergraphSdl).digest("hex").slice(0, 16) };
    } catch (error) {
      this.state = undefined;
      log.error({ err: error }, "policy unavailable, refusing every request");
    }
  }

  get current(): PolicyState | undefined {
    return this.state;
  }
}
