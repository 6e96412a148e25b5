import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument } from "../../examples/analyst/__generated__/operations.js";
import { actors } from "../../scripts/seed/domain.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { openDatabase } from "../../subgraphs/shared/database.js";
import { ensureSeeded } from "../../subgraphs/shared/seed.js";
import { freshPglite } from "../support/data-root.js";
import { post } from "../support/graphql-client.js";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "../support/postgres.js";
import { FULLY_CLEARED, startTestStack, type TestStack } from "../support/test-stack.js";

const binDir = postgresBinDir();

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
    });
  },
);
