import type { NationContext } from "../shared/context.js";
import { pageSize, rowByKey } from "../shared/loaders.js";
import { ROW_LABELS } from "../shared/records.js";
import { nationReports } from "../shared/reports.js";
import { DateTimeScalar } from "../shared/scalars.js";
import type { Motivation, Resolvers } from "./__generated__/resolvers-types.js";

interface ActorRow {
  id: string;
  name: string;
  aliases: string[];
  motivation: Motivation;
  attributedState: string | null;
}

const ACTOR_COLUMNS = `id, name, aliases, motivation, attributed_state AS "attributedState", ${ROW_LABELS}`;
const reports = nationReports("GBR");

const actorById = (ctx: NationContext) =>
  rowByKey<ActorRow>(ctx, "actorById", `SELECT ${ACTOR_COLUMNS} FROM threat_actors WHERE id = ANY($1)`, (a) => a.id);

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    threatActor: (_root, { id }, ctx) => actorById(ctx).load(id),
    threatActors: (_root, { first, offset }, ctx) =>
      ctx.db.query<ActorRow>(`SELECT ${ACTOR_COLUMNS} FROM threat_actors ORDER BY id LIMIT $1 OFFSET $2`, [
        pageSize(first),
        Math.max(0, offset ?? 0),
      ]),
    gbrReports: (_root, args, ctx) => reports.list(ctx, args),
  },
  ThreatActor: {
    __resolveReference: (ref, ctx) => (ref.id ? actorById(ctx).load(ref.id) : null),
    gbrReports: (actor, { first }, ctx) => (actor.id ? reports.aboutActor(ctx, actor.id, first) : []),
  },
  GbrReport: {
    ...reports.resolvers,
    // The registry lives here, so a report's actor is resolved in full rather than as a reference.
    actor: (report, _args, ctx) => (report.actorId ? actorById(ctx).load(report.actorId) : null),
  },
};
