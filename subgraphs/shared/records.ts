import type { NationCode } from "../nations.js";

/** The role resolvers' queries run as; see reader-role.sql. */
export const READER_ROLE = "tearline_reader";

/**
 * What resolvers select beside a record's own columns, so that the scoped
 * database can note every row's labels for the banner (row-scope.ts).
 */
export const ROW_LABELS = `classification AS "rowClassification", releasable_to AS "rowReleasableTo"`;

/** A table of labelled records. */
export interface RecordTable {
  table: string;
  /**
   * The column whose age retention judges, and the record type's name in the
   * retention file is the table's. Null for the registry of threat actors:
   * reference data that every nation's records point to, labelled but not
   * subject to retention.
   */
  retainedBy: string | null;
}

const REPORTS: RecordTable = { table: "reports", retainedBy: "collected_at" };

/** Every table of a nation that holds records: each carries labels and is behind row-level security. */
export const RECORD_TABLES: Readonly<Record<NationCode, readonly RecordTable[]>> = {
  GBR: [{ table: "threat_actors", retainedBy: null }, REPORTS],
  FRA: [{ table: "assessments", retainedBy: "assessed_at" }, REPORTS],
  DEU: [{ table: "sightings", retainedBy: "observed_at" }, REPORTS],
  EST: [{ table: "indicators", retainedBy: "last_seen" }, REPORTS],
};

/** The record types a nation's retention file must give a period for. */
export const retainedTypes = (nation: NationCode): RecordTable[] => RECORD_TABLES[nation].filter((t) => t.retainedBy !== null);

/**
 * A setting read inside a policy: empty (how a custom setting reads once the
 * transaction that set it has ended) and absent both give NULL, and NULL lets
 * no row through. As a sub-select it is evaluated once per query, not per row.
 */
const setting = (name: string, cast: string) => `(SELECT NULLIF(current_setting('tearline.${name}', true), '')${cast})`;

/**
 * Row-level security on one record table. FORCE puts the table's owner under
 * the policies too; the owner has only the maintenance policy, which needs
 * tearline.maintenance set in its own transaction (seeding is done before
 * this runs; retention and the purge set it), so that an owner's query that
 * forgot it sees nothing rather than everything. A superuser still bypasses
 * every policy: that is why resolvers' queries run as the reader role.
 */
export function protectTableSql({ table, retainedBy }: RecordTable): string {
  const retained = retainedBy === null ? "" : `\n    AND ${retainedBy} >= (SELECT tearline_retained_since('${table}'))`;
  return `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
GRANT SELECT ON ${table} TO ${READER_ROLE};
CREATE POLICY ${table}_release ON ${table} FOR SELECT TO ${READER_ROLE}
  USING (
    tearline_level_rank(classification) <= ${setting("clearance_rank", "::int")}
    AND releasable_to && ${setting("groups", "::text[]")}${retained}
  );
CREATE POLICY ${table}_maintenance ON ${table} FOR ALL TO CURRENT_USER
  USING (${setting("maintenance", "")} = 'on') WITH CHECK (${setting("maintenance", "")} = 'on');`;
}
