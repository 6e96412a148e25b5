import { combineMarks, type Mark, UNMARKED } from "@tearline/policy";
import type { BannerEntry } from "../rules/context.js";

/**
 * The high-water mark of the fields that were actually returned non-null:
 * a withheld, missing or null field does not raise the banner.
 */
export function markOfResponse(data: unknown, plan: ReadonlyMap<string, BannerEntry>): Mark {
  let mark = UNMARKED;
  const walkObject = (object: Record<string, unknown>, entries: ReadonlyMap<string, BannerEntry>) => {
    for (const [key, entry] of entries) {
      const value = object[key];
      if (value === null || value === undefined) continue;
      mark = combineMarks(mark, entry.mark);
      if (entry.children.size > 0) walkValue(value, entry.children);
    }
  };
  const walkValue = (value: unknown, entries: ReadonlyMap<string, BannerEntry>) => {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && item !== undefined) walkValue(item, entries);
    } else if (typeof value === "object" && value !== null) {
      walkObject(value as Record<string, unknown>, entries);
    }
  };
  if (data && typeof data === "object") walkObject(data as Record<string, unknown>, plan);
  return mark;
}
