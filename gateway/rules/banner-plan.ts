import { combineMarks, coordinate, type Mark, UNMARKED } from "@tearline/policy";
import type { BannerEntry, QueryRule } from "./context.js";
import { isMetaField } from "./selection-scope.js";

/**
 * Records the marking of every field the rewritten operation will ask for
 * (every field the label check did not deny), nested like the response, so
 * that the response phase can take the high-water mark of the fields that
 * came back non-null. A response key reached under several type conditions
 * takes all their markings: over-marking is the safe side. Must run after
 * the label check in the rule list.
 */
export const bannerPlanRule: QueryRule = (context) => {
  const entries: Array<Map<string, BannerEntry>> = [context.banner];
  return {
    Field: {
      enter(node) {
        if (isMetaField(node) || context.isDenied(node)) return false;
        const place = context.scope.field;
        let mark: Mark = UNMARKED;
        for (const type of place.parentTypes) {
          const policy = context.index.get(coordinate(type, node.name.value));
          if (policy) mark = combineMarks(mark, policy.mark);
        }
        const siblings = entries[entries.length - 1]!;
        let entry = siblings.get(place.responseKey);
        if (entry) entry.mark = combineMarks(entry.mark, mark);
        else {
          entry = { mark, children: new Map() };
          siblings.set(place.responseKey, entry);
        }
        entries.push(entry.children);
        return undefined;
      },
      leave() {
        entries.pop();
      },
    },
  };
};
