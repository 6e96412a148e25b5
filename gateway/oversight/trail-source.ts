import pg from "pg";
import { type AuditEntrySource, folderEntrySource } from "../../lib/audit/entry-source.js";
import { postgresEntrySource } from "../../lib/audit/read-postgres.js";
import { logger } from "../../lib/logger.js";
import type { AuditConfig } from "../config.js";

const log = logger("oversight");

/** The trail the oversight view reads, and what to close when the gateway stops. */
export interface OversightTrail {
  /** Undefined for a gateway that keeps no trail (AUDIT_STORE=none): the view answers 503, never an empty page. */
  source: AuditEntrySource | undefined;
  close(): Promise<void>;
}

/**
 * Opens the reader of the store the gateway writes. With PostgreSQL, a pool
 * of its own, apart from the writer's single connection: a page being read
 * never holds up the audit writes that answers wait on. Its sessions are
 * read-only (the view has no reason to write), and it connects on the first
 * read: a database that is down fails the read (503), not the start, which
 * the writer already checked.
 */
export function openOversightTrail(audit: AuditConfig): OversightTrail {
  if (audit.store === "file") return { source: folderEntrySource(audit.dir), close: async () => undefined };
  if (audit.store !== "postgres" || !audit.databaseUrl) return { source: undefined, close: async () => undefined };
  const pool = new pg.Pool({
    connectionString: audit.databaseUrl,
    max: 2,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5000,
    query_timeout: 10_000,
    options: "-c default_transaction_read_only=on",
    application_name: "tearline-oversight",
  });
  // An idle connection dropped by the server must not crash the gateway; the next read opens another.
  pool.on("error", (error) => log.warn({ err: error }, "oversight database connection lost"));
  return { source: postgresEntrySource(pool), close: () => pool.end() };
}
