import type { ASTVisitor } from "graphql";
import type { Principal } from "../auth/principal.js";
import { decide, type Reason } from "../policy/decide.js";
import type { DenyMode } from "../policy/rule.js";
import type { LabelIndex } from "../policy/label-index.js";
import type { Rule } from "../policy/rule.js";
import { isIntrospection, isTypename, type FieldPlace, type SelectionScope } from "./selection-scope.js";

export interface Denial {
  place: FieldPlace;
  reasons: Reason[];
  onDeny: DenyMode;
}

export interface LabelCheckContext {
  scope: SelectionScope;
  index: LabelIndex;
  principal: Principal;
  now: Date;
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
  const { scope, index, principal, now } = context;
  return {
    Field: {
      enter(node) {
        // __typename carries no data; introspection is governed by the server's introspection setting.
        if (isTypename(node) || isIntrospection(node)) return false;
        const place = scope.enterField(node);
        const rules: Rule[] = [];
        let unlabelled = false;
        for (const type of place.parentTypes) {
          const policy = index.get(`${type}.${node.name.value}`);
          if (policy) rules.push(...policy.rules);
          else unlabelled = true;
        }
        const decision = unlabelled ? decide([], principal, now) : place.parentTypes.length > 0 ? decide(rules, principal, now) : { allowed: true as const };
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
