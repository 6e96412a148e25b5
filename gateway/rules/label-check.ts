import type { ASTVisitor } from "graphql";
import { decideField, type DecisionContext, type DenyMode, type LabelIndex, type Reason, type Subject } from "@tearline/policy";
import { isIntrospection, isTypename, type FieldPlace, type SelectionScope } from "./selection-scope.js";

export interface Denial {
  place: FieldPlace;
  reasons: readonly Reason[];
  onDeny: DenyMode;
}

export interface LabelCheckContext {
  scope: SelectionScope;
  index: LabelIndex;
  principal: Subject;
  context: DecisionContext;
  /** Receives every denied field; its subtree is not visited. */
  onDenial(denial: Denial): void;
}

/**
 * Decides every field of an operation against the caller. The decision is on
 * `Type.field` for every object type the selection can reach, never on the
 * alias: a field on an interface needs the rules of each implementation that
 * could be returned there. A type without a label entry is denied.
 */
export function labelCheckRule(context: LabelCheckContext): ASTVisitor {
  const { scope, index, principal } = context;
  return {
    Field: {
      enter(node) {
        // __typename carries no data; introspection is governed by the server's introspection setting.
        if (isTypename(node) || isIntrospection(node)) return false;
        const place = scope.enterField(node);
        const decision = decideField(index, place.parentTypes, node.name.value, principal, context.context);
        if (!decision.allowed) {
          context.onDenial({ place, reasons: decision.reasons, onDeny: decision.onDeny });
          return false;
        }
        scope.pushField(place);
        return undefined;
      },
      leave() {
        scope.leaveField();
      },
    },
    InlineFragment: scope.inlineFragmentVisitor,
  };
}
