import { type Coalitions, isClassification, rank, type Subject } from "@tearline/policy";
import type { Database, RowAccess } from "./database.js";
import { ROW_LABELS } from "./records.js";
import type { RowMarks } from "./row-marks.js";

export type { RowAccess } from "./database.js";

/** The database as one caller may read it: the only database surface resolvers get. */
export interface ScopedDatabase {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export function rowAccessFor(subject: Subject, coalitions: Coalitions): RowAccess {
  const groups = [subject.nation, ...[...coalitions].filter(([, members]) => members.has(subject.nation)).map(([name]) => name)];
  return { nation: subject.nation, clearanceRank: rank(subject.clearance), groups };
}

/** A query through the scoped database returned a row without its labels: the banner could not account for it. */
export class UnlabelledRow extends Error {
  constructor() {
    super(`a row was read without its labels; select ${ROW_LABELS}`);
  }
}

/**
 * Every query of the caller runs under row-level security as that caller
 * (Database.queryAs), so a resolver that forgets a filter still gets only
 * the rows the caller may read. Each row returned must carry its labels
 * (ROW_LABELS, or the label columns themselves), which are noted for the
 * banner; a row without them fails the query rather than leave the banner
 * lower than what was read.
 */
export function scopeDatabase(db: Database, access: RowAccess, marks: RowMarks): ScopedDatabase {
  return {
    async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
      const rows = await db.queryAs<Row>(access, sql, params);
      for (const row of rows) {
        // The aliases resolvers select, or the columns themselves (SELECT *).
        const labels = row as { rowClassification?: unknown; rowReleasableTo?: unknown; classification?: unknown; releasable_to?: unknown };
        const level = labels.rowClassification ?? labels.classification;
        const releasableTo = labels.rowReleasableTo ?? labels.releasable_to;
        if (!isClassification(level) || !Array.isArray(releasableTo)) throw new UnlabelledRow();
        marks.note(level, releasableTo as string[]);
      }
      return rows;
    },
  };
}
