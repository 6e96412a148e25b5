import type { Subject } from "@tearline/policy";
import { type ExecutionResult, graphql } from "graphql";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import type { NationCode } from "../../subgraphs/nations.js";
import { createNationContext } from "../../subgraphs/shared/context.js";
import { type Database, observeQueries, openDatabase } from "../../subgraphs/shared/database.js";
import { buildNationSchema } from "../../subgraphs/shared/schema.js";
import { ensureSeeded } from "../../subgraphs/shared/seed.js";
import { freshPglite } from "./data-root.js";

const RESOLVERS: Record<NationCode, () => Promise<{ resolvers: object }>> = {
  GBR: () => import("../../subgraphs/GBR/resolvers.js"),
  FRA: () => import("../../subgraphs/FRA/resolvers.js"),
  DEU: () => import("../../subgraphs/DEU/resolvers.js"),
  EST: () => import("../../subgraphs/EST/resolvers.js"),
};

export interface NationHarness {
  /** SQL statements run since the last `execute` began. */
  queries: string[];
  /** Runs an operation for `subject` (default: a fully cleared analyst of the nation itself). */
  execute(source: string, variables?: Record<string, unknown>, subject?: Subject): Promise<ExecutionResult>;
  close(): Promise<void>;
}

/** One nation's real subgraph schema over a freshly seeded PGlite, in this process. */
export async function nationHarness(nation: NationCode): Promise<NationHarness> {
  const queries: string[] = [];
  const raw: Database = await openDatabase(await freshPglite());
  await ensureSeeded(raw, nation);
  const db = observeQueries(raw, (sql) => queries.push(sql));
  const coalitions = loadCoalitionsFile();
  const schema = buildNationSchema(nation, (await RESOLVERS[nation]()).resolvers);
  return {
    queries,
    async execute(source, variables, subject = ownAnalyst(nation)) {
      queries.length = 0;
      const contextValue = createNationContext(db, { subject, requestId: "test" }, coalitions);
      return graphql({ schema, source, variableValues: variables, contextValue });
    },
    close: () => raw.close(),
  };
}

/** A caller of the nation itself who holds every clearance, compartment and scope the nation's labels ask for. */
export function ownAnalyst(nation: NationCode): Subject {
  return {
    nation,
    clearance: "TOP_SECRET",
    compartments: new Set(["HARBOR", "ORCHID"]),
    purpose: "CYBER",
    scopes: new Set(["watchlist:read"]),
  };
}
