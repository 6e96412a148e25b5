import type { Mark } from "../banner.js";
import type { Requirement } from "../requirement.js";

/** What is known about one `Type.field`: each resolving nation's requirement, and the marking of its value. */
export interface FieldPolicy {
  requirements: readonly Requirement[];
  mark: Mark;
}

/** Field policies by coordinate (`Type.field`). A coordinate that is missing is unlabelled: denied. */
export type LabelIndex = ReadonlyMap<string, FieldPolicy>;

/** A schema whose labels are missing or malformed; the message lists every problem. */
export class LabelIndexError extends Error {}
