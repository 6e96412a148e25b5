import { type ExecutionResult, graphql } from "graphql";
import type { NationCode } from "../../subgraphs/nations.js";
import { createNationContext } from "../../subgraphs/shared/context.js";
import { type Database, observeQueries, openDatabase } from "../../subgraphs/shared/database.js";
import { ensureSeeded } from "../../subgraphs/shared/seed.js";
import { buildNationSchema } from "../../subgraphs/shared/server.js";
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
  execute(source: string, variables?: Record<string, unknown>): Promise<ExecutionResult>;
  close(): Promise<void>;
}

/** One nation's real subgraph schema over a freshly seeded PGlite, in this process. */
export async function nationHarness(nation: NationCode): Promise<NationHarness> {
  const queries: string[] = [];
  const raw: Database = await openDatabase(await freshPglite());
  await ensureSeeded(raw, nation);
  const db = observeQueries(raw, (sql) => queries.push(sql));
  const schema = buildNationSchema(nation, (await RESOLVERS[nation]()).resolvers);
  return {
    queries,
    async execute(source, variables) {
      queries.length = 0;
      return graphql({ schema, source, variableValues: variables, contextValue: createNationContext(db) });
    },
    close: () => raw.close(),
  };
}
