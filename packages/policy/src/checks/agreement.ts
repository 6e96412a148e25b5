import type { AgreementTerms } from "../agreements/document.js";
import { dominates } from "../classification.js";
import { coordinate } from "../coordinate.js";
import { type DecisionContext, FOREVER } from "../decision.js";
import type { Requirement } from "../requirement.js";
import type { Subject } from "../subject.js";
import type { Check } from "./check.js";

/** The owner's terms for the subject's nation, when the owner has a verified document in force and it names them. */
const termsFor = (requirement: Requirement, subject: Subject, context: DecisionContext): AgreementTerms | undefined =>
  requirement.owner === null ? undefined : context.agreements.get(requirement.owner)?.partners.get(subject.nation);

/** Every type the field is reached on is covered, by its type or by `Type.field`. */
function covers(terms: AgreementTerms, context: DecisionContext): boolean {
  if (terms.covers === null) return true;
  const field = context.field;
  // Without the field being decided, only an agreement that covers everything can say yes.
  if (field === undefined || field.types.length === 0) return false;
  return field.types.every((type) => terms.covers!.has(type) || terms.covers!.has(coordinate(type, field.name)));
}

/**
 * The owning nation's sharing agreement releases this field to the caller's
 * nation now: ACTIVE, between validFrom and expires, a ceiling at or above the
 * field's level, the declared purpose, and the type or field where the terms
 * list them. A nation always reads its own data; a requirement with no owner,
 * or an owner with no verified document in force, releases nothing.
 */
export const agreementCheck: Check = {
  reason: "AGREEMENT",
  allows(requirement, subject, context) {
    if (requirement.owner !== null && requirement.owner === subject.nation) return true;
    const terms = termsFor(requirement, subject, context);
    return (
      terms !== undefined &&
      terms.status === "ACTIVE" &&
      terms.validFrom <= context.now &&
      context.now < terms.expires &&
      dominates(terms.ceiling, requirement.level) &&
      terms.purposes.has(subject.purpose) &&
      covers(terms, context)
    );
  },
  // The answer changes when the terms start or stop; any other change is a new document, hence a new policy version.
  validUntil(requirement, subject, context) {
    const terms = requirement.owner === subject.nation ? undefined : termsFor(requirement, subject, context);
    if (terms === undefined) return FOREVER;
    if (context.now < terms.validFrom) return terms.validFrom;
    return context.now < terms.expires ? terms.expires : FOREVER;
  },
};
