import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../lib/config.js";
import type { NationCode } from "../nations.js";
import type { Database, Query } from "./database.js";
import { retainedTypes } from "./records.js";

/** How long records of one type are kept: an ISO 8601 period in years, months, weeks and days, or "forever". */
export interface RetentionPeriod {
  /** As the file wrote it, for the operator's eyes. */
  text: string;
  /** Null for "forever": kept until deleted by hand. */
  interval: { years: number; months: number; days: number } | null;
}

/** A nation's retention: one period for each of its record types (the table names of records.ts). */
export type Retention = ReadonlyMap<string, RetentionPeriod>;

const PERIOD = /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/;
/** The longest period a file may give; anything longer is "forever". */
const MAX_YEARS = 1000;
const EXAMPLE = `write one such as "P10Y", "P18M" or "P90D", or "forever" to keep them until deleted by hand`;

const period = z
  .string({ error: (issue) => (issue.input === undefined ? `no retention period: ${EXAMPLE}` : `must be a string: ${EXAMPLE}`) })
  .transform((text, ctx): RetentionPeriod => {
    if (text === "forever") return { text, interval: null };
    const [, y = "0", m = "0", w = "0", d = "0"] = PERIOD.exec(text) ?? [];
    const interval = { years: Number(y), months: Number(m), days: Number(w) * 7 + Number(d) };
    if (!PERIOD.test(text) || interval.years + interval.months + interval.days === 0) {
      ctx.addIssue({ code: "custom", message: `"${text}" is not a period longer than zero: ${EXAMPLE}` });
      return z.NEVER;
    }
    // now() minus a longer period falls before PostgreSQL's earliest timestamp, and every query on the table would fail.
    if (interval.years + interval.months / 12 + interval.days / 365 > MAX_YEARS) {
      ctx.addIssue({ code: "custom", message: `"${text}" is longer than ${MAX_YEARS} years: write "forever" instead` });
      return z.NEVER;
    }
    return { text, interval };
  });

/** The file's shape for one nation: every record type it keeps, nothing else, and no default. */
function retentionSchema(nation: NationCode) {
  const types = retainedTypes(nation).map((t) => t.table);
  return z.strictObject(Object.fromEntries(types.map((type) => [type, period])), {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `${issue.keys.map((key) => `"${key}"`).join(", ")}: not a record type of ${nation}, which keeps ${types.join(", ")}`
        : undefined,
  });
}

/** Checks a parsed retention document for `nation`; throws a ConfigError naming each problem. */
export function parseRetention(input: unknown, nation: NationCode, source: string): Retention {
  const parsed = parseConfig(retentionSchema(nation), input, `${nation} retention (${source})`) as Record<string, RetentionPeriod>;
  return new Map(Object.entries(parsed));
}

/** Reads the nation's retention file (RETENTION_FILE), at start-up and for the purge. */
export function loadRetentionFile(path: string, nation: NationCode): Retention {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${nation} retention file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new ConfigError(`${nation} retention file ${path} is not JSON`);
  }
  return parseRetention(input, nation, path);
}

/** Replaces the database's retention table (which the row-level security policies read) with `retention`. */
async function writeRetention(query: Query, retention: Retention): Promise<void> {
  await query("DELETE FROM tearline_retention");
  for (const [type, { interval }] of retention) {
    await query(
      `INSERT INTO tearline_retention (record_type, keep)
       VALUES ($1, CASE WHEN $2::boolean THEN NULL ELSE make_interval(years => $3, months => $4, days => $5) END)`,
      [type, interval === null, interval?.years ?? 0, interval?.months ?? 0, interval?.days ?? 0],
    );
  }
}

/** Makes the database enforce `retention` from now on: an expired record is never served. The subgraph does it at every start. */
export function applyRetention(db: Database, retention: Retention): Promise<void> {
  return db.maintain((query) => writeRetention(query, retention));
}

/**
 * Applies `retention` and deletes every record it has expired, in one
 * transaction as the owner: the count deleted per record type, in the
 * nation's order. A running subgraph on PostgreSQL hides the same records.
 */
export function purgeExpired(db: Database, nation: NationCode, retention: Retention): Promise<Map<string, number>> {
  return db.maintain(async (query) => {
    await writeRetention(query, retention);
    const deleted = new Map<string, number>();
    for (const { table, retainedBy } of retainedTypes(nation)) {
      const [row] = await query<{ n: number }>(
        `WITH gone AS (DELETE FROM ${table} WHERE NOT (${retainedBy} >= tearline_retained_since('${table}')) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
      );
      deleted.set(table, row?.n ?? 0);
    }
    return deleted;
  });
}
