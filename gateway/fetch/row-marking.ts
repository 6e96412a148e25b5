import { CLASSIFICATIONS, combineMarks, isClassification, isNationCode, type Mark, UNMARKED } from "@tearline/policy";
import { ROW_MARKING_EXTENSION } from "../../lib/row-marking.js";

// A marking the gateway cannot read is taken as the most restrictive one: the banner may say too much, never too little.
const UNREADABLE: Mark = { level: CLASSIFICATIONS[CLASSIFICATIONS.length - 1]!, releasableTo: new Set(), compartments: new Set() };

function readMarking(value: unknown): Mark {
  // Stryker disable next-line ConditionalExpression: a string or number has no level either, and is unreadable below.
  if (typeof value !== "object" || value === null) return UNREADABLE;
  const { level, releasableTo } = value as { level?: unknown; releasableTo?: unknown };
  if (
    !isClassification(level) ||
    !Array.isArray(releasableTo) ||
    // Stryker disable next-line ConditionalExpression: the type guard is for TypeScript; a code pattern refuses a non-string too.
    !releasableTo.every((nation) => typeof nation === "string" && isNationCode(nation))
  )
    return UNREADABLE;
  // The same marking comes back request after request: one Mark object for it, so that combineMarks's memory of
  // combinations (keyed by object) is hit instead of growing with a fresh object per response.
  const key = `${level}:${(releasableTo as string[]).join(",")}`;
  let mark = known.get(key);
  if (mark === undefined) {
    if (known.size >= KNOWN_MARKINGS) known.clear();
    mark = { level, releasableTo: new Set(releasableTo as string[]), compartments: new Set() };
    known.set(key, mark);
  }
  return mark;
}

/** Distinct markings remembered; past it the memory starts again, so it stays bounded. */
const KNOWN_MARKINGS = 1000;
const known = new Map<string, Mark>();

/**
 * The high-water mark of the rows every subgraph of one request read, as
 * each nation reported it: records carry their own labels, which may be
 * above the field's, and the banner must account for them. A subgraph's
 * report can only raise the banner, never lower it.
 */
export class ReturnedRows {
  private marked: Mark = UNMARKED;

  /** One subgraph response's extensions; a response without a row marking read no labelled row. */
  note(extensions: Readonly<Record<string, unknown>> | undefined): void {
    if (extensions === undefined || !(ROW_MARKING_EXTENSION in extensions)) return;
    this.marked = combineMarks(this.marked, readMarking(extensions[ROW_MARKING_EXTENSION]));
  }

  get mark(): Mark {
    return this.marked;
  }
}
