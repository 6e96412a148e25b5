import type { Coalitions, Subject } from "@tearline/policy";
import type DataLoader from "dataloader";
import type { Database } from "./database.js";
import { RowMarks } from "./row-marks.js";
import { rowAccessFor, type ScopedDatabase, scopeDatabase } from "./row-scope.js";

/**
 * Per-request DataLoaders, made on first use and keyed by name, so that each
 * nation declares its own loaders without a context type of its own.
 */
export class LoaderRegistry {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = make() as DataLoader<unknown, unknown>;
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

/** Who a subgraph request is for, as the gateway's verified envelope says. */
export interface Caller {
  subject: Subject;
  /** The gateway's request id, for the nation's own logs. */
  requestId: string;
}

/** What every nation's resolvers receive. */
export interface NationContext {
  /** The nation's database as this caller may read it: rows above them are hidden by the database itself. */
  db: ScopedDatabase;
  loaders: LoaderRegistry;
  /** The verified caller; the second lock decides each field for this subject. */
  subject: Subject;
  requestId: string;
  /** The labels of the rows this request read, reported to the gateway for the banner. */
  rows: RowMarks;
}

export function createNationContext(db: Database, caller: Caller, coalitions: Coalitions): NationContext {
  const rows = new RowMarks(coalitions);
  return {
    db: scopeDatabase(db, rowAccessFor(caller.subject, coalitions), rows),
    loaders: new LoaderRegistry(),
    subject: caller.subject,
    requestId: caller.requestId,
    rows,
  };
}
