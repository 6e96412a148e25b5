import { dominates } from "../classification.js";
import type { Check } from "./check.js";

/** The caller's clearance is at or above the field's classification level. */
export const clearanceCheck: Check = {
  reason: "CLEARANCE",
  allows: (requirement, subject) => dominates(subject.clearance, requirement.level),
};
