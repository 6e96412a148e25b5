import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument } from "../../examples/analyst/__generated__/operations.js";
import { logger } from "../../lib/logger.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { actors } from "../../scripts/seed/domain.js";
import { NATIONS, type NationCode } from "../../subgraphs/nations.js";
import { loadNationStorage } from "../../subgraphs/shared/config.js";
import { createNationContext } from "../../subgraphs/shared/context.js";
import { openDatabase } from "../../subgraphs/shared/database.js";
import { openNationDatabase } from "../../subgraphs/shared/nation-database.js";
import { loadRetentionFile } from "../../subgraphs/shared/retention.js";
import { rowAccessFor } from "../../subgraphs/shared/row-scope.js";
import { ensureSeeded, SchemaVersionMismatch } from "../../subgraphs/shared/seed.js";
import { freshPglite } from "../support/data-root.js";
import { post } from "../support/graphql-client.js";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "../support/postgres.js";
import { allowedIds, analyst, type LabelledRow, purgeCommand } from "../support/row-labels.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { FULLY_CLEARED, startTestStack, type TestStack } from "../support/test-stack.js";

// The purge's retention file: removed once the file's tests are over.
const temporary = temporaryFolders("all");

const binDir = postgresBinDir();
const log = logger("e2e");
const coalitions = loadCoalitionsFile();
const committedRetention = (nation: NationCode) => loadRetentionFile(loadNationStorage(nation, {}).retentionFile, nation);
// CI installs Debian's postgresql package (.ci/run) and must run this file; a
// developer machine without the package skips it, and the report says so.
describe.skipIf(!binDir && process.env.CI !== "true")(
  "a nation on a real PostgreSQL through DATABASE_URL (needs Debian's postgresql)",
  () => {
    let pg: TempPostgres;
    let stack: TestStack | undefined;

    beforeAll(async () => {
      if (!binDir) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql");
      pg = await startTempPostgres(binDir);
      for (const nation of NATIONS) pg.createDatabase(nation.toLowerCase());
    });
    afterAll(async () => {
      await stack?.stop();
      pg?.stop();
    });

    it("seeds once, and holds exactly what PGlite holds after the same SQL", async () => {
      const postgres = await openDatabase({ databaseUrl: pg.url("postgres") });
      await postgres.exec("CREATE DATABASE est_check");
      await postgres.close();
      const real = await openDatabase({ databaseUrl: pg.url("est_check") });
      const embedded = await openDatabase(await freshPglite());
      try {
        expect(await ensureSeeded(real, "EST")).toBe("seeded");
        expect(await ensureSeeded(real, "EST")).toBe("existing");
        await ensureSeeded(embedded, "EST");
        const digest = `SELECT count(*)::int AS n, md5(string_agg(id || value || last_seen::text || array_to_string(tags, ','), '|' ORDER BY id)) AS h FROM indicators`;
        expect(await real.query(digest)).toEqual(await embedded.query(digest));
      } finally {
        await real.close();
        await embedded.close();
      }
    });

    it("hides rows by their labels there too, even from a resolver that forgot its filter; the reader role is what enforces", async () => {
      const admin = await openDatabase({ databaseUrl: pg.url("postgres") });
      await admin.exec("CREATE DATABASE fra_rls");
      await admin.close();
      const db = await openNationDatabase("FRA", { databaseUrl: pg.url("fra_rls") }, committedRetention("FRA"), log);
      try {
        const all = await db.query<LabelledRow>("SELECT id, classification, releasable_to FROM reports"); // as the superuser: every row
        expect(all).toHaveLength(220);
        for (const subject of [
          analyst("FRA", "CONFIDENTIAL"),
          analyst("GBR", "TOP_SECRET"),
          analyst("POL", "SECRET"),
          analyst("NOR", "TOP_SECRET"),
        ]) {
          const ctx = createNationContext(db, { subject, requestId: "e2e" }, coalitions);
          const seen = (await ctx.db.query<LabelledRow>("SELECT * FROM reports")).map((r) => r.id).sort();
          expect(seen).toEqual(allowedIds(all, subject, coalitions));
        }
        expect(allowedIds(all, analyst("FRA", "CONFIDENTIAL"), coalitions).length).toBeLessThan(all.length);
        expect(allowedIds(all, analyst("NOR", "TOP_SECRET"), coalitions)).toEqual([]);
      } finally {
        await db.close();
      }
    });

    it("keeps a non-superuser owner under its own policies (FORCE): it seeds and purges only through its maintenance policy", async () => {
      const admin = await openDatabase({ databaseUrl: pg.url("postgres") });
      // What a DBA does once for a nation whose owner is no superuser: the reader role (as reader-role.sql makes it), an owner
      // and its database, and the owner's membership of the role. CREATE DATABASE runs alone, not in a script's transaction.
      for (const statement of [
        readFileSync(new URL("../../subgraphs/shared/reader-role.sql", import.meta.url), "utf8"),
        "CREATE ROLE fra_owner LOGIN",
        "CREATE DATABASE fra_owned OWNER fra_owner",
        "GRANT tearline_reader TO fra_owner",
        "CREATE ROLE est_owner LOGIN",
        "CREATE DATABASE est_owned OWNER est_owner",
      ])
        await admin.exec(statement);
      await admin.close();
      const url = pg.url("fra_owned", "fra_owner");
      const owner = await openNationDatabase("FRA", { databaseUrl: url }, committedRetention("FRA"), log);
      try {
        expect(await owner.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).toEqual([{ rolsuper: false }]);
        // The owner's own query that forgot to declare maintenance sees nothing, where without FORCE it would see everything.
        expect(await owner.query("SELECT id FROM reports")).toEqual([]);
        const access = rowAccessFor(analyst("FRA", "TOP_SECRET"), coalitions);
        expect(await owner.queryAs(access, "SELECT id FROM reports")).toHaveLength(220);

        // `npm run purge` on PostgreSQL works while the nation's subgraph keeps its database open.
        const file = join(temporary("tearline-retention-"), "retention.json");
        writeFileSync(file, JSON.stringify({ assessments: "forever", reports: "P1Y" }));
        const purge = await purgeCommand({ DATABASE_URL: url, RETENTION_FILE: file });
        expect(purge.stderr).toBe("");
        const deleted = Number(purge.stdout.match(/^ {2}reports {6}P1Y\s+(\d+) deleted$/m)?.[1]);
        expect(deleted).toBeGreaterThan(0);
        expect(await owner.queryAs(access, "SELECT id FROM reports")).toHaveLength(220 - deleted);

        await owner.exec("ALTER TABLE reports NO FORCE ROW LEVEL SECURITY");
        expect(await owner.query("SELECT id FROM reports")).toHaveLength(220 - deleted);
      } finally {
        await owner.close();
      }
      // An owner that is not a member of the reader role cannot make itself one: refused, with what to run.
      await expect(
        openNationDatabase("EST", { databaseUrl: pg.url("est_owned", "est_owner") }, committedRetention("EST"), log),
      ).rejects.toThrow(/database user est_owner may not use role tearline_reader/);
    });

    it("refuses a database seeded by the previous schema (records without labels), and changes nothing in it", async () => {
      const admin = await openDatabase({ databaseUrl: pg.url("postgres") });
      await admin.exec("CREATE DATABASE gbr_v1");
      await admin.close();
      const old = await openDatabase({ databaseUrl: pg.url("gbr_v1") });
      try {
        await old.exec(`CREATE TABLE reports (id text PRIMARY KEY); INSERT INTO reports VALUES ('GBR-R-OLD');
                        CREATE TABLE tearline_seed (nation text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());
                        INSERT INTO tearline_seed (nation) VALUES ('GBR');`);
        await expect(openNationDatabase("GBR", { databaseUrl: pg.url("gbr_v1") }, committedRetention("GBR"), log)).rejects.toThrow(
          new SchemaVersionMismatch("GBR", 1),
        );
        expect(await old.query("SELECT id FROM reports")).toEqual([{ id: "GBR-R-OLD" }]);
        expect(await old.query("SELECT to_regclass('public.tearline_retention') IS NULL AS untouched")).toEqual([{ untouched: true }]);
      } finally {
        await old.close();
      }
    });

    it("serves a cross-partner query from four PostgreSQL-backed nations", async () => {
      stack = await startTestStack({ databaseUrls: Object.fromEntries(NATIONS.map((n) => [n, pg.url(n.toLowerCase())])) });
      const expected = actors().find((actor) => actor.id === "TA-0003")!;
      const { body } = await post(stack.gateway.url, ActorDossierDocument, { id: "TA-0003" }, await stack.headers(FULLY_CLEARED));
      expect(body.errors).toBeUndefined();
      expect(body.data!.threatActor).toMatchObject({
        name: expected.name,
        aliases: expected.aliases,
        motivation: expected.motivation,
        assessment: { threatLevel: expect.any(String) },
        indicators: expect.arrayContaining([expect.objectContaining({ value: expect.any(String) })]),
      });

      // Through the gateway and GBR's subgraph, the rows GBR keeps for FVEY or itself alone never reach a German analyst.
      const reports = await post(stack.gateway.url, "{ gbrReports(first: 100) { id } }", {}, await stack.headers(FULLY_CLEARED));
      expect(reports.body.errors).toBeUndefined();
      const gbr = await openDatabase({ databaseUrl: pg.url("gbr") });
      const expectedIds = await gbr.query<{ id: string }>(
        `SELECT id FROM reports WHERE releasable_to && ARRAY['DEU', 'NATO', 'EU'] ORDER BY collected_at DESC, id LIMIT 100`,
      );
      const withheld = await gbr.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM reports WHERE NOT releasable_to && ARRAY['DEU', 'NATO', 'EU']",
      );
      await gbr.close();
      expect(withheld[0]!.n).toBeGreaterThan(0);
      expect(reports.body.data!.gbrReports).toEqual(expectedIds);
    });
  },
);
