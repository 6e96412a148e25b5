import type { Check } from "./check.js";

/** The purpose the request declared is one the field may be used for (any, when no label restricts it). */
export const purposeCheck: Check = {
  reason: "PURPOSE",
  allows: (requirement, subject) => requirement.purposes === null || requirement.purposes.has(subject.purpose),
};
