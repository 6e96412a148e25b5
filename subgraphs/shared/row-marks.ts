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
    const nations = expandReleasability(releasableTo, this.coalitions);
    this.releasableTo = this.releasableTo === null ? new Set(nations) : new Set([...this.releasableTo].filter((n) => nations.has(n)));
  }

  /** The marking to report, or undefined when no labelled row was read. */
  marking(): RowMarking | undefined {
    if (this.level === undefined) return undefined;
    return { level: this.level, releasableTo: [...(this.releasableTo ?? [])].sort() };
  }
}
