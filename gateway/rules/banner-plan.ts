import type { ASTVisitor } from "graphql";
import { combineMarks, coordinate, UNMARKED, type LabelIndex, type Mark } from "@tearline/policy";
import { isIntrospection, isTypename, type SelectionScope } from "./selection-scope.js";

/** The marking of each response key that an operation can return, nested like the response. */
export interface BannerEntry {
  mark: Mark;
  children: Map<string, BannerEntry>;
}

export interface BannerPlanContext {
  scope: SelectionScope;
  index: LabelIndex;
  root: Map<string, BannerEntry>;
}

/**
 * Records, for the rewritten operation, the marking of every field it asks
 * for, so that the response phase can take the high-water mark of the fields
 * that came back non-null. A response key reached under several type
 * conditions takes all their markings: over-marking is the safe side.
 */
export function bannerPlanRule(context: BannerPlanContext): ASTVisitor {
  const { scope, index } = context;
  const entries: Array<Map<string, BannerEntry>> = [context.root];
  return {
    Field: {
      enter(node) {
        if (isTypename(node) || isIntrospection(node)) return false;
        const place = scope.enterField(node);
        const mark = place.parentTypes.reduce<Mark>((m, type) => {
          const policy = index.get(coordinate(type, node.name.value));
          return policy ? combineMarks(m, policy.mark) : m;
        }, UNMARKED);
        const siblings = entries[entries.length - 1]!;
        let entry = siblings.get(place.responseKey);
        if (entry) entry.mark = combineMarks(entry.mark, mark);
        else siblings.set(place.responseKey, (entry = { mark, children: new Map() }));
        entries.push(entry.children);
        scope.pushField(place);
        return undefined;
      },
      leave() {
        entries.pop();
        scope.leaveField();
      },
    },
    InlineFragment: scope.inlineFragmentVisitor,
  };
}
