import type { Check } from "./check.js";

/** Least privilege: for every label that names scopes, the caller holds at least one of them. */
export const scopesCheck: Check = {
  reason: "SCOPE",
  allows: (requirement, subject) => requirement.scopeGroups.every((group) => [...group].some((scope) => subject.scopes.has(scope))),
};
