import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import type { BannerEntry } from "../rules/context.js";

type BannerPlan = ReadonlyMap<string, BannerEntry>;

/** One level of a banner plan, made for walking: its fields in an array, and the highest mark anything in it allows. */
interface Level {
  fields: ReadonlyArray<{ key: string; mark: Mark; children: Level | undefined; inherited: boolean }>;
  /** Every mark of the level and of every level below it, combined. */
  ceiling: Mark;
}

/**
 * Each banner plan's levels, made once: plans are cached. It relies on a plan's banner never changing once its walk is
 * over (bannerPlanRule writes it during the walk only): a mark added later would be in no ceiling, and a walk could
 * skip the field that carries it.
 */
const levels = new WeakMap<BannerPlan, Level>();

function levelOf(plan: BannerPlan): Level {
  let level = levels.get(plan);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a cache; levels made every time give the same banner.
  if (level === undefined) {
    let ceiling = UNMARKED;
    const fields = [...plan].map(([key, entry]) => {
      const children = entry.children.size > 0 ? levelOf(entry.children) : undefined;
      ceiling = combineMarks(ceiling, combineMarks(entry.mark, children?.ceiling ?? UNMARKED));
      // A key every object has through its prototype (`constructor`, an alias) is read as an own key only.
      return { key, mark: entry.mark, children, inherited: key in Object.prototype };
    });
    level = { fields, ceiling };
    levels.set(plan, level);
  }
  return level;
}

/** Thrown, and caught below, to end a walk that has reached the plan's ceiling: no further field can raise the banner. */
const REACHED = Symbol("ceiling reached");

/**
 * The high-water mark of the fields that were actually returned non-null:
 * a withheld, missing or null field does not raise the banner. Combined marks
 * are one object per value, so "nothing below can raise the mark" is an
 * identity check: the walk skips every value whose level's ceiling the mark
 * already covers (the later records of a list, once one has brought every
 * mark its fields can), and ends once the mark reaches the plan's ceiling.
 * A full answer is then read within its first records, and one with a field
 * always null only along the paths that lead to that field.
 */
export function markOfResponse(data: unknown, plan: BannerPlan): Mark {
  const top = levelOf(plan);
  let mark = UNMARKED;
  const walk = (value: unknown, level: Level) => {
    // Sound because combining is a join (a high-water mark): a mark that covers the level's ceiling covers every
    // mark in it. Two equal marks that are distinct objects (past the interning bound) only make the walk longer.
    if (combineMarks(mark, level.ceiling) === mark) return;
    if (Array.isArray(value)) {
      // A null item is neither a list nor an object: it adds nothing.
      for (const item of value) walk(item, level);
      return;
    }
    // Stryker disable next-line ConditionalExpression: a string walked as an object has none of the plan's keys; null is tested (a null item).
    if (typeof value !== "object" || value === null) return;
    for (const field of level.fields) {
      // Own fields only: one named like a property of every object (`constructor`) must not be read from the prototype.
      // Checked only for those names (known when the level is made): the walk is on every answer's path.
      if (field.inherited && !Object.hasOwn(value, field.key)) continue;
      const child = (value as Record<string, unknown>)[field.key];
      if (child === null || child === undefined) continue;
      mark = combineMarks(mark, field.mark);
      if (mark === top.ceiling) throw REACHED;
      if (field.children !== undefined) walk(child, field.children);
    }
  };
  try {
    walk(data, top);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: nothing else is thrown by a walk of parsed JSON; kept so that a bug would surface, not vanish.
    if (error !== REACHED) throw error;
  }
  return mark;
}
