import type { NationContext } from "../shared/context.js";
import { newestPerActor, pageSize, rowsByKey } from "../shared/loaders.js";
import { ROW_LABELS } from "../shared/records.js";
import { nationReports } from "../shared/reports.js";
import { DateTimeScalar } from "../shared/scalars.js";
import type { Resolvers, Sector } from "./__generated__/resolvers-types.js";

interface SightingRow {
  id: string;
  actorId: string;
  observedAt: Date;
  country: string;
  sector: Sector;
  description: string;
  sourceRef: string;
}

const reports = nationReports("DEU");

const SIGHTING_COLUMNS = `id, actor_id AS "actorId", observed_at AS "observedAt", country, sector, description, source_ref AS "sourceRef", ${ROW_LABELS}`;

const sightingsByActor = (ctx: NationContext, first: number | null | undefined) =>
  rowsByKey<SightingRow>(
    ctx,
    "sightingsByActor",
    newestPerActor("sightings", SIGHTING_COLUMNS, "observed_at"),
    pageSize(first, 10),
    (s) => s.actorId,
  );

/** DEU's watchlist key: the registry name normalised, so that partners' spellings match. */
export function watchlistKey(name: string): string {
  return `DEU-WL:${name
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .toUpperCase()}`;
}

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    deuReports: (_root, args, ctx) => reports.list(ctx, args),
  },
  ThreatActor: {
    // `name` arrives in the representation when the gateway resolves watchlistEntry (@requires).
    __resolveReference: (ref) => ref,
    sightings: (actor, { first }, ctx) => (actor.id ? sightingsByActor(ctx, first).load(actor.id) : []),
    watchlistEntry: (actor) => (actor.name ? watchlistKey(actor.name) : null),
    deuReports: (actor, { first }, ctx) => (actor.id ? reports.aboutActor(ctx, actor.id, first) : []),
  },
  DeuReport: reports.resolvers,
};
