import { type Classification, type Coalitions, expandReleasability, higher } from "@tearline/policy";
import type { RowMarking } from "../../lib/row-marking.js";

/**
 * The high-water mark of the rows a request read from the nation's own
 * tables (each row's own classification and releasability), so that the
 * gateway's banner accounts for them and not only for the fields' labels.
 */
export class RowMarks {
  private level: Classification | undefined;
  private releasableTo: Set<string> | null = null;

  constructor(private readonly coalitions: Coalitions) {}

  /** One row read: its classification and its releasability (nation codes or coalition names). */
  note(level: Classification, releasableTo: readonly string[]): void {
    this.level = higher(this.level ?? level, level);
    const nations = expanded(releasableTo, this.coalitions);
    // Most rows of a list share their releasability: a row that narrows nothing costs no new set.
    if (this.releasableTo === null) this.releasableTo = new Set(nations);
    else if ([...this.releasableTo].some((n) => !nations.has(n)))
      this.releasableTo = new Set([...this.releasableTo].filter((n) => nations.has(n)));
  }

  /** The marking to report, or undefined when no labelled row was read. */
  marking(): RowMarking | undefined {
    if (this.level === undefined) return undefined;
    return { level: this.level, releasableTo: [...(this.releasableTo ?? [])].sort() };
  }
}

// A table holds few distinct releasabilities; each is expanded once per coalitions document, not once per row read.
const expansions = new WeakMap<Coalitions, Map<string, ReadonlySet<string>>>();
function expanded(releasableTo: readonly string[], coalitions: Coalitions): ReadonlySet<string> {
  let byKey = expansions.get(coalitions);
  if (!byKey) {
    byKey = new Map();
    expansions.set(coalitions, byKey);
  }
  const key = releasableTo.join(",");
  let nations = byKey.get(key);
  if (!nations) {
    nations = expandReleasability(releasableTo, coalitions);
    // Bounded: past 1000 distinct releasabilities the memory starts again.
    if (byKey.size >= 1000) byKey.clear();
    byKey.set(key, nations);
  }
  return nations;
}
