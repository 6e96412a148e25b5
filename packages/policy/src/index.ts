// @tearline/policy: the access policy, pure and shared. The gateway and every
// nation's subgraph decide with exactly this code; it does no I/O and reads no clock.

export {
  AGREEMENT_STATUSES,
  type AgreementBook,
  type AgreementDocument,
  type AgreementStatus,
  type AgreementTerms,
  agreementDocumentJson,
  agreementVersions,
  parseAgreementDocument,
} from "./agreements/document.js";
export { type ClassificationMarking, combineMarks, type Mark, markOfRequirements, renderBanner, UNMARKED } from "./banner.js";
export { agreementCheck, type Check, specifiedChecks } from "./checks/index.js";
export { CLASSIFICATIONS, type Classification, dominates, higher, isClassification, rank } from "./classification.js";
export { type Coalitions, expandReleasability, isNationCode, PolicyDocumentError, parseCoalitions } from "./coalitions.js";
export { coordinate } from "./coordinate.js";
export { decide, decideField } from "./decide.js";
export { ALLOW_FOREVER, type Decision, type DecisionContext, FOREVER, REASONS, type Reason } from "./decision.js";
export { buildSubgraphIndex } from "./label-index/from-subgraph.js";
export { buildSupergraphIndex } from "./label-index/from-supergraph.js";
export { type FieldPolicy, type LabelIndex, LabelIndexError } from "./label-index/types.js";
export { type EnforcementMode, operationOutcome } from "./outcome.js";
export { combineRequirements, type DenyMode, type Requirement, requirementFromLabel } from "./requirement.js";
export { type Subject, subjectKey } from "./subject.js";
