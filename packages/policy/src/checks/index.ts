import { agreementCheck } from "./agreement.js";
import type { Check } from "./check.js";
import { clearanceCheck } from "./clearance.js";
import { compartmentsCheck } from "./compartments.js";
import { purposeCheck } from "./purpose.js";
import { releasabilityCheck } from "./releasability.js";
import { scopesCheck } from "./scopes.js";

export type { Check } from "./check.js";
export { agreementCheck, clearanceCheck, compartmentsCheck, purposeCheck, releasabilityCheck, scopesCheck };

/** Every check a field's requirements are decided by, in the order their reasons are reported. A new check is one file and one line here. */
export const specifiedChecks: readonly Check[] = [
  clearanceCheck,
  releasabilityCheck,
  compartmentsCheck,
  purposeCheck,
  scopesCheck,
  agreementCheck,
];
