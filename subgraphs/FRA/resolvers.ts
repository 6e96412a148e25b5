import type { NationContext } from "../shared/context.js";
import { rowByKey } from "../shared/loaders.js";
import { ROW_LABELS } from "../shared/records.js";
import { nationReports } from "../shared/reports.js";
import { DateTimeScalar } from "../shared/scalars.js";
import type { Confidence, Resolvers, ThreatLevel } from "./__generated__/resolvers-types.js";

interface AssessmentRow {
  actorId: string;
  threatLevel: ThreatLevel;
  confidence: Confidence;
  judgement: string;
  assessedAt: Date;
  sectorsTargeted: string[];
}

const reports = nationReports("FRA");

const assessmentByActor = (ctx: NationContext) =>
  rowByKey<AssessmentRow>(
    ctx,
    "assessmentByActor",
    `SELECT actor_id AS "actorId", threat_level AS "threatLevel", confidence, judgement,
            assessed_at AS "assessedAt", sectors_targeted AS "sectorsTargeted", ${ROW_LABELS}
     FROM assessments WHERE actor_id = ANY($1)`,
    (a) => a.actorId,
  );

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    fraReports: (_root, args, ctx) => reports.list(ctx, args),
  },
  ThreatActor: {
    // FRA holds an opinion on any registry actor id, so a reference is never unknown here.
    __resolveReference: (ref) => ref,
    assessment: (actor, _args, ctx) => (actor.id ? assessmentByActor(ctx).load(actor.id) : null),
    fraReports: (actor, { first }, ctx) => (actor.id ? reports.aboutActor(ctx, actor.id, first) : []),
  },
  FraReport: reports.resolvers,
};
