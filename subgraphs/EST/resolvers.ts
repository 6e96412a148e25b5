import type { NationContext } from "../shared/context.js";
import { newestPerActor, pageSize, rowByKey, rowsByKey } from "../shared/loaders.js";
import { ROW_LABELS } from "../shared/records.js";
import { nationReports } from "../shared/reports.js";
import { DateTimeScalar } from "../shared/scalars.js";
import type { IndicatorKind, Resolvers } from "./__generated__/resolvers-types.js";

interface IndicatorRow {
  id: string;
  actorId: string | null;
  kind: IndicatorKind;
  value: string;
  firstSeen: Date;
  lastSeen: Date;
  confidence: number;
  tags: string[];
}

const reports = nationReports("EST");

const COLUMNS = `id, actor_id AS "actorId", kind, value, first_seen AS "firstSeen", last_seen AS "lastSeen", confidence, tags, ${ROW_LABELS}`;

const indicatorById = (ctx: NationContext) =>
  rowByKey<IndicatorRow>(ctx, "indicatorById", `SELECT ${COLUMNS} FROM indicators WHERE id = ANY($1)`, (i) => i.id);

const indicatorsByActor = (ctx: NationContext, kind: IndicatorKind | null | undefined, first: number | null | undefined) =>
  rowsByKey<IndicatorRow>(
    ctx,
    `indicatorsByActor:${kind ?? "ANY"}`,
    newestPerActor("indicators", COLUMNS, "last_seen", kind ? `AND kind = '${kind}'` : ""),
    pageSize(first, 10),
    (i) => i.actorId ?? "",
  );

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    indicator: async (_root, { value }, ctx) =>
      (await ctx.db.query<IndicatorRow>(`SELECT ${COLUMNS} FROM indicators WHERE value = $1`, [value.trim().toLowerCase()]))[0] ?? null,
    indicators: (_root, { kind, first, offset }, ctx) =>
      ctx.db.query<IndicatorRow>(
        `SELECT ${COLUMNS} FROM indicators WHERE ($3::text IS NULL OR kind = $3)
         ORDER BY last_seen DESC, id LIMIT $1 OFFSET $2`,
        [pageSize(first), Math.max(0, offset ?? 0), kind ?? null],
      ),
    estReports: (_root, args, ctx) => reports.list(ctx, args),
  },
  ThreatActor: {
    __resolveReference: (ref) => ref,
    indicators: (actor, { kind, first }, ctx) => (actor.id ? indicatorsByActor(ctx, kind, first).load(actor.id) : []),
    estReports: (actor, { first }, ctx) => (actor.id ? reports.aboutActor(ctx, actor.id, first) : []),
  },
  Indicator: {
    __resolveReference: (ref, ctx) => (ref.id ? indicatorById(ctx).load(ref.id) : null),
    actor: (indicator) => {
      const row = indicator as Partial<IndicatorRow>;
      return row.actorId ? { id: row.actorId } : null;
    },
  },
  EstReport: reports.resolvers,
};
