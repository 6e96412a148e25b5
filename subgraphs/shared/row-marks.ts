import { type Classification, type Coalitions, expandReleasability, higher } from "@tearline/policy";

/** The marking of the rows one subgraph request read, as the subgraph reports it to the gateway (response extensions). */
export interface RowMarking {
  level: Classification;
  /** Nations every row read is releasable to; null when no row was read. */
  releasableTo: string[] | null;
}

/** Where a subgraph reports its row marking in a response's extensions. */
export const ROW_MARKING_EXTENSION = "tearlineRows";

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
    this.level = this.level === undefined ? level : higher(this.level, level);
    const nations = expandReleasability(releasableTo, this.coalitions);
    this.releasableTo = this.releasableTo === null ? new Set(nations) : new Set([...this.releasableTo].filter((n) => nations.has(n)));
  }

  /** The marking to report, or undefined when no labelled row was read. */
  marking(): RowMarking | undefined {
    if (this.level === undefined) return undefined;
    return { level: this.level, releasableTo: [...(this.releasableTo ?? [])].sort() };
  }
}
