import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ViewPage } from "../../gateway/oversight/view-page.js";
import type { AccessReport } from "../../lib/audit/access-report.js";
import type { TransparencyReport } from "../../lib/audit/transparency-report.js";
import { ROOT } from "../support/agreement-command.js";
import { postgresBinDir, startTempPostgres, type TempPostgres } from "../support/postgres.js";
import { sendRecorded } from "../support/recorded-operation.js";
import { type Caller, startTestStack, type TestStack } from "../support/test-stack.js";

// The oversight view and the reports on a gateway whose audit trail is in PostgreSQL (AUDIT_STORE=postgres): the same
// narrowing, filters and pages as on the file store (test/e2e/oversight.test.ts), read from the database.

const ACTOR = `query Actor($id: ID!) { threatActor(id: $id) { name assessment { threatLevel } } }`;
const INDICATORS = `query Indicators { indicators(first: 2) { kind value } }`;
const GBR_ANALYST: Caller = { nation: "GBR", clearance: "SECRET", purposes: ["CT"], scope: "reports:read actors:read" };
const DEU_ANALYST: Caller = { nation: "DEU", clearance: "SECRET", purposes: ["CT", "CYBER"] };
const operator = (nation: Caller["nation"]): Caller => ({ nation, clearance: "UNCLASSIFIED", purposes: ["CT"], scope: "audit:read" });
const PERIOD = ["--from", "2000-01-01", "--to", "2999-12-31"];

const binDir = postgresBinDir();

describe.skipIf(!binDir && process.env.CI !== "true")(
  "each nation's oversight view of a PostgreSQL audit trail (needs Debian's postgresql)",
  () => {
    let pg: TempPostgres;
    let url: string;
    let stack: TestStack;
    const sent: Record<string, string> = {};

    const view = async (caller: Caller, query = "") => {
      const response = await fetch(new URL(`/oversight/events${query}`, stack.gateway.url), { headers: await stack.headers(caller) });
      return { status: response.status, body: (await response.json()) as ViewPage };
    };
    const ids = (page: ViewPage) => page.events.map(({ event }) => event.requestId);
    /** A report command as the operator runs it, with the gateway's AUDIT_* settings only as `env` gives them. */
    const report = async (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
      JSON.parse(
        (
          await promisify(execFile)(process.execPath, ["--import", "tsx", `scripts/audit-reports/${script}.ts`, ...args, "--json"], {
            cwd: ROOT,
            env: { ...process.env, AUDIT_STORE: "", AUDIT_DIR: "", AUDIT_DATABASE_URL: "", ...env },
          })
        ).stdout,
      );

    beforeAll(async () => {
      if (!binDir) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql");
      pg = await startTempPostgres(binDir);
      pg.createDatabase("oversight");
      url = pg.url("oversight");
      stack = await startTestStack({ gatewayEnv: { AUDIT_STORE: "postgres", AUDIT_DATABASE_URL: url } });
      const send = async (name: string, caller: Caller, query: string, variables?: Record<string, unknown>) => {
        sent[name] = await sendRecorded(stack, caller, query, variables);
      };
      // GBR's and FRA's data to a GBR and a DEU analyst; EST's data alone to the DEU analyst.
      await send("gbrActor", GBR_ANALYST, ACTOR, { id: "TA-0003" });
      await send("deuActor", { ...DEU_ANALYST, purpose: "CYBER" }, ACTOR, { id: "TA-0003" });
      await send("deuIndicators", DEU_ANALYST, INDICATORS);
    }, 120_000);
    afterAll(async () => {
      await stack?.stop();
      pg?.stop();
    });

    it("gives each nation's operator only the events that touched its data, narrowed to it", async () => {
      const gbr = await view(operator("GBR"));
      expect([gbr.status, gbr.body.nation]).toEqual([200, "GBR"]);
      expect(ids(gbr.body).sort()).toEqual([sent.gbrActor, sent.deuActor].sort());
      expect(JSON.stringify(gbr.body)).not.toMatch(/assessment|ThreatAssessment|Indicator|"FRA"|"EST"/);
      const est = await view(operator("EST"));
      expect(ids(est.body)).toEqual([sent.deuIndicators]);
      expect(JSON.stringify(est.body)).not.toMatch(/ThreatActor|"GBR"|"FRA"/);
    });

    it("filters and pages as on the file store", async () => {
      expect(ids((await view(operator("FRA"), "?partner=DEU")).body)).toEqual([sent.deuActor]);
      expect(ids((await view(operator("FRA"), "?purpose=CT")).body)).toEqual([sent.gbrActor]);
      expect(ids((await view(operator("FRA"), "?from=2000-01-01&to=2000-01-02")).body)).toEqual([]);
      const first = (await view(operator("GBR"), "?limit=1")).body;
      const second = (await view(operator("GBR"), `?limit=1&cursor=${first.next}`)).body;
      expect([ids(first), ids(second), second.next]).toEqual([[sent.gbrActor], [sent.deuActor], null]);
    });

    it("counts the same events in npm run oversight and npm run transparency, read with --database or AUDIT_STORE=postgres", async () => {
      const fra = (await report("oversight", ["--nation", "FRA", ...PERIOD, "--database", url])) as AccessReport & {
        read: { database: string; chains: number };
      };
      expect(fra.groups.map((group) => [group.partner, group.purpose, group.operations])).toEqual([
        ["DEU", "CYBER", 1],
        ["GBR", "CT", 1],
      ]);
      expect(fra.read).toMatchObject({
        database: expect.stringMatching(/^postgresql:\/\/tearline@127\.0\.0\.1:\d+\/oversight$/),
        chains: 1,
      });
      const fromEnv = await report("oversight", ["--nation", "FRA", ...PERIOD], { AUDIT_STORE: "postgres", AUDIT_DATABASE_URL: url });
      expect(fromEnv.groups).toEqual(fra.groups);
      const transparency = (await report("transparency", [...PERIOD, "--database", url])) as TransparencyReport;
      expect(transparency.rows.find((row) => row.caller === "DEU" && row.owner === "EST" && row.purpose === null)).toMatchObject({
        operations: "<10",
      });
    });
  },
);
