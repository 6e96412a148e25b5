import type { QueryRule } from "./context.js";
import { isMetaField } from "./selection-scope.js";

/**
 * Decides every field of an operation against the caller. The decision is on
 * `Type.field` for every object type the selection can reach, never on the
 * alias: a field on an interface needs the requirements of each
 * implementation that could be returned there. A coordinate without a label
 * is denied. A denied field's subtree is not decided: it will not be asked for.
 */
export const labelCheckRule: QueryRule = (context) => ({
  Field(node) {
    // __typename carries no data; introspection is governed by the server's introspection setting.
    if (isMetaField(node)) return false;
    const place = context.scope.field;
    const decision = context.decide(place.parentTypes, node.name.value);
    context.reportValidUntil(decision.validUntil);
    context.reportDecided(place, decision);
    if (decision.allowed) return undefined;
    context.reportDenial({ place, reasons: decision.reasons, onDeny: decision.onDeny });
    return false;
  },
});
