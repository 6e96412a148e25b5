import { createHash } from "node:crypto";
import {
  type AgreementBook,
  agreementVersions,
  buildSupergraphIndex,
  type Coalitions,
  type Decision,
  decideField,
  type LabelIndex,
  type Subject,
} from "@tearline/policy";
import { type GraphQLSchema, parse } from "graphql";
import { logger } from "../../lib/logger.js";
import type { CostIndex } from "../rules/cost-model.js";
import { buildCostIndex } from "./cost-index.js";

const log = logger("policy");

/** The policy in force: the supergraph's API schema and label index, and every nation's verified sharing agreements. */
export interface PolicyState {
  schema: GraphQLSchema;
  index: LabelIndex;
  /** Where each field is resolved and how large its pages are: what the cost model weighs an operation with. */
  costs: CostIndex;
  agreements: AgreementBook;
  /** Changes with every supergraph and every agreements document, so that no plan outlives what it was decided under. */
  version: string;
}

/** A decision on a field reached on these object types. */
export type FieldDecider = (parentTypes: readonly string[], fieldName: string) => Decision;

/** How this policy decides fields for one caller at one time: the walk, the shared-plan key and the schema views all decide through it. */
export function callerDecider(state: PolicyState, subject: Subject, now: number): FieldDecider {
  const context = { now, agreements: state.agreements };
  return (parentTypes, fieldName) => decideField(state.index, parentTypes, fieldName, subject, context);
}

/**
 * The policy that goes with the supergraph the gateway serves. Replaced as a
 * whole when the supergraph changes; until the first supergraph arrives, or
 * if its labels cannot be read, there is no policy and every request is
 * refused (fail closed).
 */
export class PolicyHolder {
  private state: PolicyState | undefined;
  private supergraphVersion = "";
  private agreements: AgreementBook = new Map();

  constructor(private readonly coalitions: Coalitions) {}

  /** Throws when the supergraph's labels are unlabelled or malformed, or a list is unbounded; used to refuse a new supergraph before it goes live. */
  check(supergraphSdl: string): void {
    const document = parse(supergraphSdl);
    buildSupergraphIndex(document, this.coalitions);
    buildCostIndex(document);
  }

  update(apiSchema: GraphQLSchema, supergraphSdl: string): void {
    try {
      const document = parse(supergraphSdl);
      const index = buildSupergraphIndex(document, this.coalitions);
      const costs = buildCostIndex(document);
      this.supergraphVersion = createHash("sha256").update(supergraphSdl).digest("hex").slice(0, 16);
      this.state = { schema: apiSchema, index, costs, agreements: this.agreements, version: this.version() };
    } catch (error) {
      this.state = undefined;
      log.error({ err: error }, "policy unavailable, refusing every request");
    }
  }

  /** Puts new verified agreements in force; plans decided under the previous ones are not served again. */
  updateAgreements(agreements: AgreementBook): void {
    this.agreements = agreements;
    if (this.state) this.state = { ...this.state, agreements, version: this.version() };
  }

  private version(): string {
    return `${this.supergraphVersion}|${agreementVersions(this.agreements)}`;
  }

  get current(): PolicyState | undefined {
    return this.state;
  }
}
