import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { logger } from "../../lib/logger.js";
import { openPglite } from "../../lib/open-pglite.js";
import { READER_ROLE } from "./records.js";

const log = logger("database");

/** What the nation's database needs to know of a caller to hide rows by itself (row-level security settings). */
export interface RowAccess {
  nation: string;
  /** The caller's clearance as a rank (0 = UNCLASSIFIED). */
  clearanceRank: number;
  /** The caller's nation and every coalition it belongs to: a row releasable to any of them is releasable to the caller. */
  groups: string[];
}

export type Query = <Row>(sql: string, params?: unknown[]) => Promise<Row[]>;

/** The SQL surface of a nation's database; PGlite and PostgreSQL run the same SQL. */
export interface Database {
  readonly kind: "pglite" | "postgres";
  /** A query as the connecting user, the tables' owner: start-up and tests only, never a resolver. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * A query for one caller, in a read-only transaction of its own, as the
   * reader role with the caller's row access set: the database hides every
   * row above the caller's clearance, not releasable to them, or expired.
   */
  queryAs<Row>(access: RowAccess, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction as the owner with tearline.maintenance on (retention, purge). */
  maintain<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every setting a caller's query needs, in one statement. The role comes
 * first; the rest are the caller's row access (see records.ts for how the
 * policies read them). All are local to the transaction, so nothing outlives
 * the query on a pooled connection.
 */
const ACCESS_SETTINGS = `SELECT set_config('role', '${READER_ROLE}', true), set_config('transaction_read_only', 'on', true),
  set_config('tearline.clearance_rank', $1, true), set_config('tearline.groups', $2::text[]::text, true)`;
const accessParams = (access: RowAccess) => [String(access.clearanceRank), access.groups];
const MAINTENANCE = `SELECT set_config('tearline.maintenance', 'on', true)`;

class PgliteDatabase implements Database {
  readonly kind = "pglite";
  constructor(private readonly db: PGlite) {}

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  // PGlite is one connection: its transaction holds it, so no other query runs in between.
  queryAs<Row>(access: RowAccess, sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.db.transaction(async (tx) => {
      await tx.query(ACCESS_SETTINGS, accessParams(access));
      return (await tx.query<Row>(sql, params)).rows;
    });
  }

  maintain<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(MAINTENANCE);
      return work(async <Row>(sql: string, params: unknown[] = []) => (await tx.query<Row>(sql, params)).rows);
    });
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

  queryAs<Row>(access: RowAccess, sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.inTransaction(async (client) => {
      await client.query(ACCESS_SETTINGS, accessParams(access));
      return (await client.query(sql, params)).rows as Row[];
    });
  }

  maintain<T>(work: (query: Query) => Promise<T>): Promise<T> {
    return this.inTransaction(async (client) => {
      await client.query(MAINTENANCE);
      return work(async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[]);
    });
  }

  /** One pooled client for the whole transaction, always given back; one in an unknown state is discarded instead. */
  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
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
  const db = openPglite(location.dataDir);
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
    queryAs: (access, sql, params = []) => {
      observe(sql, params);
      return db.queryAs(access, sql, params);
    },
    maintain: (work) => db.maintain(work),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  };
}
