import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import type { BannerEntry } from "../rules/context.js";

type BannerPlan = ReadonlyMap<string, BannerEntry>;

/**
 * The highest mark each banner plan allows: every field's mark combined. Plans are cached, so this is computed once
 * each. It relies on a plan's banner never changing once its walk is over (bannerPlanRule writes it during the walk
 * only): a mark added later would not be in the ceiling, and a walk could stop below it.
 */
const ceilings = new WeakMap<BannerPlan, Mark>();

function ceilingOf(plan: BannerPlan): Mark {
  let ceiling = ceilings.get(plan);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache; a ceiling computed every time, or never (no early end), gives the same banner.
  if (ceiling === undefined) {
    const fold = (entries: BannerPlan, from: Mark): Mark => {
      let mark = from;
      for (const entry of entries.values()) mark = fold(entry.children, combineMarks(mark, entry.mark));
      return mark;
    };
    ceiling = fold(plan, UNMARKED);
    ceilings.set(plan, ceiling);
  }
  return ceiling;
}

/** Thrown, and caught below, to end a walk that has reached the plan's ceiling: no further field can raise the banner. */
const REACHED = Symbol("ceiling reached");

/**
 * The high-water mark of the fields that were actually returned non-null:
 * a withheld, missing or null field does not raise the banner. The walk ends
 * as soon as the mark reaches the highest the plan allows (combined marks are
 * one object per value, so that is an identity check), which for a full
 * answer is usually within its first records.
 */
export function markOfResponse(data: unknown, plan: BannerPlan): Mark {
  const ceiling = ceilingOf(plan);
  let mark = UNMARKED;
  const walkObject = (object: Record<string, unknown>, entries: BannerPlan) => {
    for (const [key, entry] of entries) {
      const value = object[key];
      if (value === null || value === undefined) continue;
      mark = combineMarks(mark, entry.mark);
      if (mark === ceiling) throw REACHED;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a leaf's value walked against no entries adds nothing; this only spares the call.
      if (entry.children.size > 0) walkValue(value, entry.children);
    }
  };
  const walkValue = (value: unknown, entries: BannerPlan) => {
    if (Array.isArray(value)) {
      // A null item is neither a list nor an object: it adds nothing.
      for (const item of value) walkValue(item, entries);
      // Stryker disable next-line ConditionalExpression: a string walked as an object has none of the plan's keys; null is tested (a null item).
    } else if (typeof value === "object" && value !== null) {
      walkObject(value as Record<string, unknown>, entries);
    }
  };
  try {
    // Stryker disable next-line ConditionalExpression: data is an object or null, never another truthy value.
    if (data && typeof data === "object") walkObject(data as Record<string, unknown>, plan);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: nothing else is thrown by a walk of parsed JSON; kept so that a bug would surface, not vanish.
    if (error !== REACHED) throw error;
  }
  return mark;
}
