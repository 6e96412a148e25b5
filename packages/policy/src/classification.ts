/** Classification levels, lowest first; a level dominates every level at or below it. */
export const CLASSIFICATIONS = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export function isClassification(value: unknown): value is Classification {
  // includes compares with SameValueZero: a value that is not one of these strings is simply not found.
  return (CLASSIFICATIONS as readonly unknown[]).includes(value);
}

export const rank = (level: Classification): number => CLASSIFICATIONS.indexOf(level);

export const dominates = (held: Classification, required: Classification): boolean => rank(held) >= rank(required);

export const higher = (a: Classification, b: Classification): Classification => CLASSIFICATIONS[Math.max(rank(a), rank(b))]!;
