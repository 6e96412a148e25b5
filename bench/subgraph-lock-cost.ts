// What the second lock costs inside a nation's subgraph, per subgraph request: the graphql-shield rules and the
// row-level security transaction, each alone and together, against the same subgraph without them. In process, on a
// freshly seeded PGlite database; run by bench/lock-cost.ts.
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { Subject } from "@tearline/policy";
import { type GraphQLSchema, graphql, parse } from "graphql";
import { loadCoalitionsFile } from "../lib/policy-files.js";
import { resolvers } from "../subgraphs/FRA/resolvers.js";
import { loadSubgraphSdl } from "../subgraphs/nations.js";
import { loadNationStorage } from "../subgraphs/shared/config.js";
import { createNationContext, type NationContext } from "../subgraphs/shared/context.js";
import { openDatabase } from "../subgraphs/shared/database.js";
import { applyRetention, loadRetentionFile } from "../subgraphs/shared/retention.js";
import { buildNationSchema, ownLockSource } from "../subgraphs/shared/schema.js";
import { ensureSeeded } from "../subgraphs/shared/seed.js";
import { interleavedMicroseconds } from "./cpu-micro.js";

/** FRA's two fetches in the benchmark's typical query: a root list, and FRA's part of 20 actors as entities. */
const OPERATIONS = {
  root: { query: "{ fraReports(first: 3) { id title summary admiralty collectedAt } }", variables: {} },
  entities20: {
    query: "query ($r: [_Any!]!) { _entities(representations: $r) { ... on ThreatActor { assessment { threatLevel confidence } } } }",
    variables: { r: Array.from({ length: 20 }, (_, i) => ({ __typename: "ThreatActor", id: `TA-${String(i + 1).padStart(4, "0")}` })) },
  },
};

const CALLER: Subject = {
  nation: "FRA",
  clearance: "TOP_SECRET",
  compartments: new Set(["ORCHID", "HARBOR"]),
  purpose: "CT",
  scopes: new Set(),
};

export async function measureSubgraphLockCost(dataDir: string) {
  const db = await openDatabase({ dataDir });
  await ensureSeeded(db, "FRA");
  await applyRetention(db, loadRetentionFile(loadNationStorage("FRA", {}).retentionFile, "FRA"));
  const coalitions = loadCoalitionsFile();
  const open = buildSubgraphSchema({ typeDefs: parse(loadSubgraphSdl("FRA")), resolvers: resolvers as GraphQLResolverMap<unknown> });
  const locked = buildNationSchema(
    "FRA",
    resolvers,
    ownLockSource("FRA", coalitions, () => new Map()),
  );
  const scoped = () => createNationContext(db, { subject: CALLER, requestId: "bench" }, coalitions);
  // The connecting user here is PGlite's superuser, whom row-level security does not apply to: the database as it was.
  const unscoped = (): NationContext => ({ ...scoped(), db: { query: (sql, params) => db.query(sql, params) } });
  const run = (schema: GraphQLSchema, context: () => NationContext, operation: { query: string; variables: object }) => async () => {
    const result = await graphql({
      schema,
      source: operation.query,
      variableValues: operation.variables as Record<string, unknown>,
      contextValue: context(),
    });
    if (result.errors) throw new Error(`the measured operation failed: ${result.errors[0]?.message}`);
  };
  const results: Record<string, Record<string, number>> = {};
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    const us = await interleavedMicroseconds(100, {
      none_us: run(open, unscoped, operation),
      shield_us: run(locked, unscoped, operation),
      rls_us: run(open, scoped, operation),
      both_us: run(locked, scoped, operation),
    });
    results[name] = { ...us, both_over_none: Math.round((us.both_us! / us.none_us!) * 100) / 100 };
  }
  await db.close();
  return results;
}
