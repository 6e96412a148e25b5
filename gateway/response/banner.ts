import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import type { BannerEntry } from "../rules/context.js";

type BannerPlan = ReadonlyMap<string, BannerEntry>;

/** The highest mark each banner plan allows: every field's mark combined. Plans are cached, so this is computed once each. */
const ceilings = new WeakMap<BannerPlan, Mark>();

function ceilingOf(plan: BannerPlan): Mark {
  let ceiling = ceilings.get(plan);
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
      if (entry.children.size > 0) walkValue(value, entry.children);
    }
  };
  const walkValue = (value: unknown, entries: BannerPlan) => {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && item !== undefined) walkValue(item, entries);
    } else if (typeof value === "object" && value !== null) {
      walkObject(value as Record<string, unknown>, entries);
    }
  };
  try {
    if (data && typeof data === "object") walkObject(data as Record<string, unknown>, plan);
  } catch (error) {
    if (error !== REACHED) throw error;
  }
  return mark;
}
