import pg from "pg";
import type { ChainEntry } from "../../lib/audit/chain.js";
import type { CheckpointPayload } from "../../lib/audit/checkpoint.js";
import { CREATE_AUDIT_TABLES, INSERT_CHECKPOINT, INSERT_EVENTS, LAST_EVENT, REGISTER_CHAIN } from "../../lib/audit/postgres-tables.js";
import { canonicalJson } from "../../lib/canonical-json.js";
import { logger } from "../../lib/logger.js";
import type { ChainStore } from "./chain-writer.js";
import { newChainId } from "./file-store.js";

const log = logger("audit");

export interface PostgresStoreOptions {
  /** A connection that cannot be made within this fails the append (ms). */
  connectTimeoutMs?: number;
  /** A statement without an answer within this fails the append (ms): an answer waits on it. */
  statementTimeoutMs?: number;
}

/** The stored chain does not end where its writer does (a batch reported failed was committed after all): it cannot go on. */
export class ChainDiverged extends Error {}

/**
 * The audit store for several gateway replicas sharing one PostgreSQL: one
 * chain per replica, in shared tables (lib/audit/postgres-tables.ts). Each
 * batch of events is one INSERT, that is one transaction, durable when it
 * returns: every session asks for synchronous commit, whatever the server's
 * default. A failed batch leaves nothing behind; one whose outcome is unknown
 * (the connection dropped around its commit) is checked against the stored
 * chain before the next batch, and if it was committed after all the store
 * refuses every append from then on: the chain cannot go on from two heads,
 * and a restart begins a new chain.
 */
export class PostgresChainStore implements ChainStore {
  /** A batch failed: whether it was committed is checked before the next one. */
  private uncertain = false;
  private diverged: ChainDiverged | undefined;
  /** The connections already set to commit synchronously. */
  private readonly synchronous = new WeakSet<pg.PoolClient>();

  private constructor(
    readonly chain: string,
    private readonly pool: pg.Pool,
  ) {}

  /** Creates the tables if missing and claims a new chain id; throws when the database cannot be reached. */
  static async create(databaseUrl: string, options: PostgresStoreOptions = {}, chain = newChainId()): Promise<PostgresChainStore> {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      // One writer per chain, and the chain writer never has two writes in flight.
      max: 1,
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      query_timeout: options.statementTimeoutMs ?? 10_000,
      keepAlive: true,
      application_name: "tearline-audit",
    });
    // An idle connection dropped by the server must not crash the gateway; the next append opens another.
    pool.on("error", (error) => log.warn({ err: error }, "audit database connection lost"));
    try {
      await pool.query(CREATE_AUDIT_TABLES);
      await pool.query(REGISTER_CHAIN, [chain]);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresChainStore(chain, pool);
  }

  async appendEntries(entries: readonly ChainEntry[]): Promise<void> {
    const first = entries[0];
    if (!first) return;
    if (this.diverged) throw this.diverged;
    try {
      await this.write(async (client) => {
        if (this.uncertain) await this.checkStoredHead(client, first);
        await client.query(INSERT_EVENTS, [
          this.chain,
          entries.map((entry) => entry.seq),
          entries.map((entry) => entry.prev),
          entries.map((entry) => entry.hash),
          // The exact text that was hashed: jsonb would reorder keys and normalise numbers.
          entries.map((entry) => canonicalJson(entry.event)),
        ]);
      });
    } catch (error) {
      this.uncertain = true;
      throw error;
    }
    this.uncertain = false;
  }

  /** A checkpoint committed although reported failed does no harm: it vouches for the stored chain, and the next one follows it. */
  async appendCheckpoint(jws: string, payload: CheckpointPayload): Promise<void> {
    if (this.diverged) throw this.diverged;
    await this.write((client) =>
      client.query(INSERT_CHECKPOINT, [this.chain, payload.count, payload.head, payload.final, payload.at, jws]),
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** The stored chain must end where the writer thinks it does: at the event before `first`. */
  private async checkStoredHead(client: pg.PoolClient, first: ChainEntry): Promise<void> {
    const [last] = (await client.query<{ seq: string; hash: string }>(LAST_EVENT, [this.chain])).rows;
    const storedSeq = last ? Number(last.seq) : 0;
    if (storedSeq !== first.seq - 1 || (last !== undefined && last.hash !== first.prev)) {
      this.diverged = new ChainDiverged(
        `the audit chain ${this.chain} holds ${storedSeq} events where its writer has ${first.seq - 1}: restart to begin a new chain`,
      );
      log.error({ chain: this.chain, stored: storedSeq, expected: first.seq - 1 }, "audit chain diverged from its writer");
      throw this.diverged;
    }
  }

  /**
   * One write on a pooled connection, asking it for synchronous commit first
   * if it is new; a connection that failed in any way is discarded, not
   * reused (a timed-out query may still be running on it).
   */
  private async write(work: (client: pg.PoolClient) => Promise<unknown>): Promise<void> {
    const client = await this.pool.connect();
    try {
      if (!this.synchronous.has(client)) {
        await client.query("SET synchronous_commit TO on");
        this.synchronous.add(client);
      }
      await work(client);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    client.release();
  }
}
