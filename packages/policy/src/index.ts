// @tearline/policy: the access policy, pure and shared. The gateway and every
// nation's subgraph decide with exactly this code; it does no I/O and reads no clock.
export { CLASSIFICATIONS, dominates, higher, isClassification, rank, type Classification } from "./classification.js";
export { expandReleasability, isNationCode, parseCoalitions, PolicyDocumentError, type Coalitions } from "./coalitions.js";
export { coordinate } from "./coordinate.js";
export { combineRequirements, requirementFromLabel, type DenyMode, type Requirement } from "./requirement.js";
export { subjectKey, type Subject } from "./subject.js";
export { ALLOW_FOREVER, FOREVER, REASONS, type Decision, type DecisionContext, type Reason } from "./decision.js";
export { specifiedChecks, type Check } from "./checks/index.js";
export { decide, decideField } from "./decide.js";
export { operationOutcome, type EnforcementMode } from "./outcome.js";
export { combineMarks, markOfRequirements, renderBanner, UNMARKED, type ClassificationMarking, type Mark } from "./banner.js";
export { LabelIndexError, type FieldPolicy, type LabelIndex } from "./label-index/types.js";
export { buildSupergraphIndex } from "./label-index/from-supergraph.js";
export { buildSubgraphIndex } from "./label-index/from-subgraph.js";
