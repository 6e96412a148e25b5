import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditUnavailable, ChainWriter } from "../../gateway/audit/chain-writer.js";
import { openAuditTrail } from "../../gateway/audit/open-trail.js";
import { ChainDiverged, PostgresChainStore } from "../../gateway/audit/postgres-store.js";
import { chainEntry, GENESIS } from "../../lib/audit/chain.js";
import { loadOrCreateGatewayKey } from "../../scripts/gateway-key/keys.js";
import { openDatabase } from "../../subgraphs/shared/database.js";
import { auditVerify, keySigner, operation, writeChain } from "../support/audit-trail.js";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "../support/postgres.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const binDir = postgresBinDir();
const temporary = temporaryFolders();

// CI installs Debian's postgresql package (.ci/run) and must run this file; a
// developer machine without the package skips it, and the report says so.
describe.skipIf(!binDir && process.env.CI !== "true")("the audit trail in a real PostgreSQL (needs Debian's postgresql)", () => {
  let pg: TempPostgres;
  let database = 0;

  /** A database of its own for each test, and the gateway's key in a keys folder of its own. */
  const fresh = async () => {
    const name = `audit_${++database}`;
    pg.createDatabase(name);
    const keysDir = temporary("tearline-audit-keys-");
    return { url: pg.url(name), keysDir, key: await loadOrCreateGatewayKey(keysDir) };
  };
  /** Runs SQL as an administrator of the database at `url`. */
  const sql = async (url: string, text: string) => {
    const db = await openDatabase({ databaseUrl: url });
    try {
      return await db.query<Record<string, unknown>>(text);
    } finally {
      await db.close();
    }
  };
  const verify = (url: string, keysDir: string) => auditVerify(["--database", url, "--keys-dir", keysDir]);

  beforeAll(async () => {
    if (!binDir) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql");
    pg = await startTempPostgres(binDir);
  });
  afterAll(() => pg?.stop());

  it("keeps one chain per replica, each batch in one transaction, and the verify command finds them intact", async () => {
    const { url, keysDir, key } = await fresh();
    const config = { store: "postgres", dir: "", databaseUrl: url, checkpointEvery: 10, checkpointMs: 60_000 } as const;
    // Two replicas at once: the tables are created once, each claims a chain of its own.
    const [one, two] = await Promise.all([openAuditTrail(config, async () => key), openAuditTrail(config, async () => key)]);
    await Promise.all(Array.from({ length: 40 }, (_, n) => one!.writer!.append(operation(n))));
    await two!.writer!.append(operation(100));
    await Promise.all([one!.close(), two!.close()]);

    const [events] = await sql(url, "SELECT count(*)::int AS n, count(DISTINCT chain)::int AS chains FROM tearline_audit_events");
    expect(events).toEqual({ n: 43, chains: 2 });
    const { code, stdout, stderr } = await verify(url, keysDir);
    expect([code, stderr]).toEqual([0, ""]);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^intact  ${one!.writer!.chain}  41 events  head [0-9a-f]{64}  \\d+ checkpoints  closed  0 unsigned$`),
        ),
        expect.stringMatching(new RegExp(`^intact  ${two!.writer!.chain}  2 events  `)),
      ]),
    );
    expect(lines.at(-1)).toMatch(/^all 2 chains intact \(postgresql:\/\/tearline@127\.0\.0\.1:\d+\/audit_\d+\)$/);
    // AUDIT_STORE and AUDIT_DATABASE_URL, as the gateway is configured, say the same.
    expect((await auditVerify(["--keys-dir", keysDir], { AUDIT_STORE: "postgres", AUDIT_DATABASE_URL: url })).stdout).toBe(stdout);
  });

  it("fails the events of a batch the database refuses, and goes on with the chain intact once it accepts again", async () => {
    const { url, keysDir, key } = await fresh();
    // Past nine events, so that the stored head is found by number, not by text ("10" sorts before "9").
    const writer = await writeChain(await PostgresChainStore.create(url), key, 11, { open: true });
    await sql(
      url,
      `CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
       CREATE TRIGGER refuse BEFORE INSERT ON tearline_audit_events EXECUTE FUNCTION refuse();`,
    );
    await expect(writer.append(operation(12))).rejects.toBeInstanceOf(AuditUnavailable);
    await sql(url, "DROP TRIGGER refuse ON tearline_audit_events");
    await writer.append(operation(13));
    await writer.close();
    const { code, stdout } = await verify(url, keysDir);
    expect([code, stdout.split("\n")[0]]).toEqual([0, expect.stringMatching(/^intact {2}\S+ {2}13 events/)]);
  });

  it("refuses to go on when a batch reported failed was committed after all: the chain cannot have two heads", async () => {
    const { url, keysDir, key } = await fresh();
    const store = await PostgresChainStore.create(url, { statementTimeoutMs: 300 });
    const writer = await ChainWriter.start(
      store,
      keySigner(() => key),
      key.kid,
      { checkpointEvery: 1000, checkpointMs: 60_000 },
    );
    // The writer stamps its chain-start now: the events follow now too, as a gateway's would (an unsigned tail spans seconds).
    const current = (n: number) => ({ ...operation(n), at: new Date().toISOString() });
    // Past nine events, so that the stored head is found by number, not by text ("10" sorts before "9").
    for (let n = 1; n <= 11; n++) await writer.append(current(n));
    // The answer to this batch's commit is lost (the gateway stops waiting); the database commits it anyway.
    await sql(
      url,
      `CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$;
       CREATE TRIGGER slow AFTER INSERT ON tearline_audit_events FOR EACH STATEMENT EXECUTE FUNCTION slow();`,
    );
    await expect(writer.append(current(12))).rejects.toBeInstanceOf(AuditUnavailable);
    await sql(url, "DROP TRIGGER slow ON tearline_audit_events");
    const [stored] = await sql(url, "SELECT count(*)::int AS n FROM tearline_audit_events");
    expect(stored).toEqual({ n: 13 });
    await expect(writer.append(current(13))).rejects.toBeInstanceOf(AuditUnavailable);
    await expect(writer.append(current(14))).rejects.toBeInstanceOf(AuditUnavailable);
    // Refused by the store itself, whatever the batch: not a clash of sequence numbers that a later batch could get past.
    await expect(store.appendEntries([chainEntry(14, GENESIS, current(15))])).rejects.toBeInstanceOf(ChainDiverged);
    await writer.close();
    // What was stored is still a chain: the event the writer gave up on, and nothing after it.
    const { code, stdout } = await verify(url, keysDir);
    expect([code, stdout.split("\n")[0]]).toEqual([
      0,
      expect.stringMatching(/^intact {2}\S+ {2}13 events {2}.* {2}0 checkpoints {2}open {2}13 unsigned$/),
    ]);
  });

  it("names the chain and the event when a row is edited or deleted", async () => {
    const { url, keysDir, key } = await fresh();
    const writer = await writeChain(await PostgresChainStore.create(url), key, 6);
    const intact = await verify(url, keysDir);
    expect(intact.code).toBe(0);

    await sql(url, `UPDATE tearline_audit_events SET event = replace(event, '"purpose":"CT"', '"purpose":"HUMINT"') WHERE seq = 3`);
    const edited = await verify(url, keysDir);
    expect([edited.code, edited.stderr]).toEqual([1, ""]);
    expect(edited.stdout.split("\n")[0]).toBe(`BROKEN  ${writer.chain}  event 3: its hash does not match its content: it was edited`);

    await sql(url, "DELETE FROM tearline_audit_events WHERE seq = 2");
    const deleted = await verify(url, keysDir);
    expect([deleted.code, deleted.stdout.split("\n")[0]]).toEqual([
      1,
      `BROKEN  ${writer.chain}  event 2: it says it is event 3: an event was removed, inserted or moved`,
    ]);
  });

  it("says so, exit 1, when the database holds no audit trail or cannot be reached", async () => {
    const { url, keysDir } = await fresh();
    expect(await verify(url, keysDir)).toEqual({
      code: 1,
      stdout: "",
      stderr: "audit:verify: the database holds no audit trail (no tearline_audit_events table)\n",
    });
    const unreachable = await verify("postgresql://tearline:secret@127.0.0.1:1/audit", keysDir);
    expect([unreachable.code, unreachable.stdout]).toEqual([1, ""]);
    expect(unreachable.stderr).toMatch(/^audit:verify: .*ECONNREFUSED.*\n$/);
    expect(unreachable.stderr).not.toContain("secret");
  });
});
