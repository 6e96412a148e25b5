import type { Check } from "./check.js";

/** The caller holds every compartment the field is in. */
export const compartmentsCheck: Check = {
  reason: "COMPARTMENT",
  allows: (requirement, subject) => {
    for (const compartment of requirement.compartments) if (!subject.compartments.has(compartment)) return false;
    return true;
  },
};
