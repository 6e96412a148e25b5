import type { Check } from "./check.js";

/** The field is releasable to the caller's nation; a nation always reads its own data. */
export const releasabilityCheck: Check = {
  reason: "RELEASABILITY",
  allows: (requirement, subject) => subject.nation === requirement.owner || requirement.releasableTo.has(subject.nation),
};
