// The audit trail's tables in PostgreSQL: the gateway's store writes them, `npm run audit:verify` reads them.
// Here, in lib/, because both may import it (the verify command may not import gateway/).

/**
 * The key of the advisory lock held while the tables are created: replicas
 * starting together would otherwise race in CREATE TABLE IF NOT EXISTS (it
 * is not atomic against itself) and one of them would fail to start.
 */
const CREATE_LOCK = 0x7465_6172_6c69; // "tearli"

/**
 * One row per chain (one chain per gateway replica): a chain whose events were
 * all deleted is still listed, and reported empty. The events keep the exact
 * canonical JSON their hash was computed over (text, not jsonb, which would
 * normalise it); checkpoints are kept in the order they were signed.
 */
export const CREATE_AUDIT_TABLES = `
SELECT pg_advisory_xact_lock(${CREATE_LOCK});
CREATE TABLE IF NOT EXISTS tearline_audit_chains (
  chain text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS tearline_audit_events (
  chain text NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  prev text NOT NULL,
  hash text NOT NULL,
  event text NOT NULL,
  PRIMARY KEY (chain, seq)
);
CREATE TABLE IF NOT EXISTS tearline_audit_checkpoints (
  chain text NOT NULL,
  ordinal bigint NOT NULL,
  count bigint NOT NULL,
  head text NOT NULL,
  final boolean NOT NULL,
  signed_at timestamptz NOT NULL,
  jws text NOT NULL,
  PRIMARY KEY (chain, ordinal)
);`;

/** Claims a chain id; fails (unique violation) when another replica has it, so that two never write one chain. */
export const REGISTER_CHAIN = "INSERT INTO tearline_audit_chains (chain) VALUES ($1)";

/** One batch of events in one statement (one transaction): $1 chain, then the columns as arrays. */
export const INSERT_EVENTS = `INSERT INTO tearline_audit_events (chain, seq, prev, hash, event)
SELECT $1, e.seq, e.prev, e.hash, e.event FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) AS e(seq, prev, hash, event)`;

// Ordered by the bigint column (e.seq), never by the text alias `seq`, which would sort 10 before 2.

/** The chain's last event as stored: what a writer checks before it goes on after a failure whose outcome it does not know. */
export const LAST_EVENT = "SELECT e.seq::text AS seq, e.hash FROM tearline_audit_events e WHERE e.chain = $1 ORDER BY e.seq DESC LIMIT 1";

/** One checkpoint, numbered after the chain's last (one writer per chain, so no other can take the number). */
export const INSERT_CHECKPOINT = `INSERT INTO tearline_audit_checkpoints (chain, ordinal, count, head, final, signed_at, jws)
SELECT $1, coalesce(max(ordinal), 0) + 1, $2, $3, $4, $5, $6 FROM tearline_audit_checkpoints WHERE chain = $1`;

/** Whether the database holds an audit trail at all. */
export const TABLES_PRESENT = "SELECT to_regclass('tearline_audit_events') IS NOT NULL AS present";

/** Every chain, by id (ids begin with their start time): registered ones, and any that has rows without being registered. */
export const LIST_CHAINS = `SELECT chain FROM tearline_audit_chains
UNION SELECT chain FROM tearline_audit_events
UNION SELECT chain FROM tearline_audit_checkpoints
ORDER BY chain`;

/** A page of a chain's events after `seq` $2, in order; a chain is read page by page, so that none is read in one answer. */
export const EVENTS_PAGE = `SELECT e.seq::text AS seq, e.prev, e.hash, e.event FROM tearline_audit_events e
WHERE e.chain = $1 AND e.seq > $2::bigint ORDER BY e.seq LIMIT $3`;

/** A chain's checkpoints, in the order they were signed. */
export const CHECKPOINTS = "SELECT jws FROM tearline_audit_checkpoints WHERE chain = $1 ORDER BY ordinal";

/**
 * A page of every chain's events after the position ($1 chain, $2 seq), in (chain, seq) order: the primary key's
 * order, so a page is one index range scan. The database's collation orders the chains; the readers only need an
 * order that holds while chains grow, and this one is the same in the WHERE and the ORDER BY.
 */
export const ENTRIES_AFTER = `SELECT e.chain, e.seq::text AS seq, e.prev, e.hash, e.event FROM tearline_audit_events e
WHERE (e.chain, e.seq) > ($1::text, $2::bigint) ORDER BY e.chain, e.seq LIMIT $3`;
