import type DataLoader from "dataloader";
import type { Database } from "./database.js";

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

/** What every nation's resolvers receive. */
export interface NationContext {
  db: Database;
  loaders: LoaderRegistry;
}

export function createNationContext(db: Database): NationContext {
  return { db, loaders: new LoaderRegistry() };
}
