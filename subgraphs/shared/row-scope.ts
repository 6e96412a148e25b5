import { type Coalitions, rank, type Subject } from "@tearline/policy";
import type { Database } from "./database.js";
import type { RowMarks } from "./row-marks.js";

// SKELETON (issue 10, in progress): the row-level security work replaces this pass-through with queries run in a
// transaction under the non-owner reader role, with the caller's row access set by set_config(..., true).

/** What the nation's database needs to know of a caller to hide rows by itself (row-level security settings). */
export interface RowAccess {
  nation: string;
  /** The caller's clearance as a rank (0 = UNCLASSIFIED). */
  clearanceRank: number;
  /** The caller's nation and every coalition it belongs to: a row releasable to any of them is releasable to the caller. */
  groups: string[];
}

/** The database as one caller may read it: the only database surface resolvers get. */
export interface ScopedDatabase {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export function rowAccessFor(subject: Subject, coalitions: Coalitions): RowAccess {
  const groups = [subject.nation, ...[...coalitions].filter(([, members]) => members.has(subject.nation)).map(([name]) => name)];
  return { nation: subject.nation, clearanceRank: rank(subject.clearance), groups };
}

export function scopeDatabase(db: Database, _access: RowAccess, _marks: RowMarks): ScopedDatabase {
  return { query: (sql, params) => db.query(sql, params) };
}
