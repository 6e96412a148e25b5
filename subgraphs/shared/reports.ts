import type { NationCode } from "../nations.js";
import type { NationContext } from "./context.js";
import { newestPerActor, pageSize, rowByKey, rowsByKey } from "./loaders.js";
import { ROW_LABELS } from "./records.js";

export type Reliability = "A" | "B" | "C" | "D" | "E" | "F";

/** A row of a nation's `reports` table, as the resolvers see it. */
export interface ReportRow {
  id: string;
  actorId: string | null;
  title: string;
  summary: string;
  body: string;
  reliability: Reliability;
  credibility: number;
  collectedAt: Date;
}

const COLUMNS = `id, actor_id AS "actorId", title, summary, body, reliability, credibility, collected_at AS "collectedAt", ${ROW_LABELS}`;

export interface ReportListArgs {
  first?: number | null;
  offset?: number | null;
  actorId?: string | null;
}

/**
 * Resolvers of one nation's Report implementation and its lists. Every nation
 * keeps reports in the same table shape (shared/reports.sql).
 */
export function nationReports(nation: NationCode) {
  return {
    list(ctx: NationContext, args: ReportListArgs): Promise<ReportRow[]> {
      return ctx.db.query<ReportRow>(
        `SELECT ${COLUMNS} FROM reports WHERE ($3::text IS NULL OR actor_id = $3)
         ORDER BY collected_at DESC, id LIMIT $1 OFFSET $2`,
        [pageSize(args.first), Math.max(0, args.offset ?? 0), args.actorId ?? null],
      );
    },

    aboutActor(ctx: NationContext, actorId: string, first: number | null | undefined): Promise<ReportRow[]> {
      const sql = newestPerActor("reports", COLUMNS, "collected_at");
      return rowsByKey<ReportRow>(ctx, "reportsByActor", sql, pageSize(first, 5), (r) => r.actorId ?? "").load(actorId);
    },

    resolvers: {
      __resolveReference(ref: { id?: string }, ctx: NationContext) {
        if (!ref.id) return null;
        return rowByKey<ReportRow>(ctx, "reportById", `SELECT ${COLUMNS} FROM reports WHERE id = ANY($1)`, (r) => r.id).load(ref.id);
      },
      admiralty: (report: ReportRow) => `${report.reliability}${report.credibility}`,
      originator: () => nation,
      actor: (report: ReportRow) => (report.actorId ? { id: report.actorId } : null),
    },
  };
}
