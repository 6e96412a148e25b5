import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { logger } from "../../lib/logger.js";

const log = logger("database");

/** The SQL surface a nation's resolvers use; PGlite and PostgreSQL run the same SQL. */
export interface Database {
  readonly kind: "pglite" | "postgres";
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

class PgliteDatabase implements Database {
  readonly kind = "pglite";
  constructor(private readonly db: PGlite) {}

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

class PostgresDatabase implements Database {
  readonly kind = "postgres";
  constructor(private readonly pool: pg.Pool) {}

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export type DatabaseLocation = { databaseUrl: string } | { dataDir: string };

/** Opens a nation's database: a real PostgreSQL when a URL is given, else PGlite on disk. */
export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if ("databaseUrl" in location) {
    const pool = new pg.Pool({ connectionString: location.databaseUrl, max: 10 });
    // An idle client losing its connection must not crash the subgraph.
    pool.on("error", (error) => log.error({ err: error }, "postgres pool error"));
    await pool.query("SELECT 1");
    return new PostgresDatabase(pool);
  }
  mkdirSync(dirname(location.dataDir), { recursive: true });
  const db = new PGlite(location.dataDir);
  await db.waitReady;
  return new PgliteDatabase(db);
}

/** Wraps a database so that every query is reported to `observe`, for tests and metrics. */
export function observeQueries(db: Database, observe: (sql: string, params: unknown[]) => void): Database {
  return {
    kind: db.kind,
    query: (sql, params = []) => {
      observe(sql, params);
      return db.query(sql, params);
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}
