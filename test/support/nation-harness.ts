import type { AgreementBook, Subject } from "@tearline/policy";
import { type ExecutionResult, graphql } from "graphql";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import type { RowMarking } from "../../lib/row-marking.js";
import type { NationCode } from "../../subgraphs/nations.js";
import { loadNationStorage } from "../../subgraphs/shared/config.js";
import { createNationContext, type NationContext } from "../../subgraphs/shared/context.js";
import { type Database, observeQueries, openDatabase } from "../../subgraphs/shared/database.js";
import { applyRetention, loadRetentionFile } from "../../subgraphs/shared/retention.js";
import { buildNationSchema, ownLockSource } from "../../subgraphs/shared/schema.js";
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
  /** The labels of the rows the last `execute` read, as the subgraph reports them for the banner. */
  lastRowMarking(): RowMarking | undefined;
  /** The nation's database as its owner (the connecting user, here a superuser): for checks behind row-level security. */
  owner: Database;
  /** The nation's own agreements its second lock enforces (none at first: it shares with no other nation). */
  setAgreements(book: AgreementBook): void;
  close(): Promise<void>;
}

/** One nation's real subgraph schema, behind its second lock, over a freshly seeded PGlite, in this process. */
export async function nationHarness(nation: NationCode, options: { now?: () => number } = {}): Promise<NationHarness> {
  const queries: string[] = [];
  const raw: Database = await openDatabase(await freshPglite());
  await ensureSeeded(raw, nation);
  // The nation's committed retention file, as its subgraph applies it at start: without one, the database serves nothing.
  await applyRetention(raw, loadRetentionFile(loadNationStorage(nation, {}).retentionFile, nation));
  const db = observeQueries(raw, (sql) => queries.push(sql));
  const coalitions = loadCoalitionsFile();
  let agreements: AgreementBook = new Map();
  const lock = ownLockSource(nation, coalitions, () => agreements, options.now);
  const schema = buildNationSchema(nation, (await RESOLVERS[nation]()).resolvers, lock);
  let last: NationContext | undefined;
  return {
    queries,
    owner: raw,
    async execute(source, variables, subject = ownAnalyst(nation)) {
      queries.length = 0;
      const contextValue = createNationContext(db, { subject, requestId: "test" }, coalitions);
      last = contextValue;
      return graphql({ schema, source, variableValues: variables, contextValue });
    },
    lastRowMarking: () => last?.rows.marking(),
    setAgreements(book) {
      agreements = book;
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
