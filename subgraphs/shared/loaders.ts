import DataLoader from "dataloader";
import type { NationContext } from "./context.js";

/**
 * A loader of one row per key: the whole batch is one `sql` query that takes
 * the array of keys as $1 (`WHERE id = ANY($1)`). Missing keys load as null.
 */
export function rowByKey<Row>(ctx: NationContext, name: string, sql: string, keyOf: (row: Row) => string) {
  return ctx.loaders.get(
    name,
    () =>
      new DataLoader<string, Row | null>(async (keys) => {
        const rows = await ctx.db.query<Row>(sql, [keys]);
        const byKey = new Map(rows.map((row) => [keyOf(row), row]));
        return keys.map((key) => byKey.get(key) ?? null);
      }),
  );
}

/**
 * A loader of up to `limit` rows per key, for one-to-many lists. `sql` takes
 * the keys as $1 and the limit as $2, and must rank rows per key itself.
 */
export function rowsByKey<Row>(ctx: NationContext, name: string, sql: string, limit: number, keyOf: (row: Row) => string) {
  return ctx.loaders.get(
    `${name}:${limit}`,
    () =>
      new DataLoader<string, Row[]>(async (keys) => {
        const rows = await ctx.db.query<Row>(sql, [keys, limit]);
        const byKey = new Map<string, Row[]>();
        for (const row of rows) {
          const list = byKey.get(keyOf(row));
          if (list) list.push(row);
          else byKey.set(keyOf(row), [row]);
        }
        return keys.map((key) => byKey.get(key) ?? []);
      }),
  );
}

/** SQL that keeps the newest `$2` rows per actor of `table`, ordered by `orderBy`. */
export function newestPerActor(table: string, columns: string, orderBy: string, extraWhere = ""): string {
  return `SELECT ${columns} FROM (
    SELECT t.*, row_number() OVER (PARTITION BY actor_id ORDER BY ${orderBy} DESC, id) AS rank
    FROM ${table} t WHERE actor_id = ANY($1) ${extraWhere}
  ) ranked WHERE rank <= $2 ORDER BY actor_id, ${orderBy} DESC, id`;
}

/**
 * A page size for SQL. The nation's page limits (page-limits.ts) have already refused anything past the field's
 * @pageSize maximum and put in its default; this clamp to 0..100 is the last line should a resolver be reached
 * some other way, so that no query can ask the database for everything.
 */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  return Math.min(100, Math.max(0, first ?? fallback));
}
