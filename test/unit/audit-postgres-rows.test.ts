import { describe, expect, it } from "vitest";
import type { ChainEntry } from "../../lib/audit/chain.js";
import { readPostgresChain } from "../../lib/audit/read-postgres.js";
import { type StoredChain, verifyStoredChain } from "../../lib/audit/verify-trail.js";
import { canonicalJson } from "../../lib/canonical-json.js";
import { CHAIN, closed, keyFor, original } from "../support/audit-chain-fixture.js";

// The PostgreSQL store's rows read back as chain lines, without a database (test/e2e/audit-postgres.test.ts has one).

describe("reading a chain from PostgreSQL rows", () => {
  const rows = (entries: readonly ChainEntry[], text = (entry: ChainEntry) => canonicalJson(entry.event)) =>
    entries.map((entry) => ({ seq: String(entry.seq), prev: entry.prev, hash: entry.hash, event: text(entry) }));
  /** A database that answers the reader's queries with `events` and `checkpoints`. */
  const database = (events: ReturnType<typeof rows>, checkpoints: string[]) => ({
    async query(sql: string, values: unknown[] = []) {
      if (sql.includes("tearline_audit_checkpoints")) return { rows: checkpoints.map((jws) => ({ jws })) };
      return { rows: events.filter((row) => BigInt(row.seq) > BigInt(values[1] as string)) };
    },
  });
  const read = async (events: ReturnType<typeof rows>, checkpoints: string[]): Promise<StoredChain> =>
    readPostgresChain(database(events, checkpoints), CHAIN);

  it("gives back the entries the file store would hold, as lines", async () => {
    const stored = await read(rows(original), await closed());
    expect(
      stored.events
        .split("\n")
        .slice(0, -1)
        .map((line) => JSON.parse(line)),
    ).toEqual(original);
    expect(await verifyStoredChain(stored, keyFor)).toMatchObject({ ok: true, count: 6, closed: true });
  });

  it("stops at an event whose text is not the canonical JSON that was hashed, even when it means the same", async () => {
    const reformatted = rows(original, (entry) => (entry.seq === 4 ? JSON.stringify(entry.event, null, 1) : canonicalJson(entry.event)));
    expect(await verifyStoredChain(await read(reformatted, await closed()), keyFor)).toEqual({
      ok: false,
      position: "event 4",
      problem: "not a chain entry",
    });
  });
});
