import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ViewPage } from "../../gateway/oversight/view-page.js";
import type { AccessReport } from "../../lib/audit/access-report.js";
import { ROOT } from "../support/agreement-command.js";
import { sendRecorded } from "../support/recorded-operation.js";
import { type Caller, startTestStack, type TestStack } from "../support/test-stack.js";

// Each nation's oversight view of the audit trail, on the real stack: operations sent as callers of two nations, then read back
// by operators of the nations whose data they touched, and refused to everyone else.

const ACTOR = `query Actor($id: ID!) { threatActor(id: $id) { name assessment { threatLevel judgement } } }`;
const INDICATORS = `query Indicators { indicators(first: 2) { kind value } }`;
const GBR_ANALYST: Caller = { nation: "GBR", clearance: "SECRET", purposes: ["CT"], scope: "reports:read actors:read" };
const GBR_CONFIDENTIAL: Caller = { nation: "GBR", clearance: "CONFIDENTIAL", purposes: ["CT"] };
const DEU_ANALYST: Caller = { nation: "DEU", clearance: "SECRET", purposes: ["CT", "CYBER"] };
const operator = (nation: Caller["nation"], scope = "audit:read"): Caller => ({
  nation,
  clearance: "UNCLASSIFIED",
  purposes: ["CT"],
  scope,
});

describe("each nation's oversight view, end to end", () => {
  let stack: TestStack;
  /** The request ids of the operations sent, by name. */
  const sent: Record<string, string> = {};

  const view = async (caller: Caller | undefined, query = "") => {
    const headers = caller ? await stack.headers(caller) : {};
    const response = await fetch(new URL(`/oversight/events${query}`, stack.gateway.url), { headers });
    return { status: response.status, body: (await response.json()) as ViewPage & { errors?: Array<{ extensions: { code: string } }> } };
  };
  const ids = (page: ViewPage) => page.events.map(({ event }) => event.requestId);

  beforeAll(async () => {
    stack = await startTestStack();
    const send = async (name: string, caller: Caller, query: string, variables?: Record<string, unknown>) => {
      sent[name] = await sendRecorded(stack, caller, query, variables);
    };
    // GBR's and FRA's data to a GBR analyst; the same to a DEU analyst (CYBER); FRA's judgement withheld from a CONFIDENTIAL GBR
    // analyst; EST's data alone to the DEU analyst.
    await send("gbrActor", GBR_ANALYST, ACTOR, { id: "TA-0003" });
    await send("deuActor", { ...DEU_ANALYST, purpose: "CYBER" }, ACTOR, { id: "TA-0003" });
    await send("gbrConfidential", GBR_CONFIDENTIAL, ACTOR, { id: "TA-0003" });
    await send("deuIndicators", DEU_ANALYST, INDICATORS);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows GBR's operator only the events that touched GBR's data, with every other nation's fields, calls and agreements left out", async () => {
    const { status, body } = await view(operator("GBR"));
    expect(status).toBe(200);
    expect(body.nation).toBe("GBR");
    expect(ids(body).sort()).toEqual([sent.gbrActor, sent.deuActor, sent.gbrConfidential].sort());
    for (const { event } of body.events) {
      if (event.kind !== "operation") continue;
      expect(event.fields.length).toBeGreaterThan(0);
      expect(event.fields.filter((field) => !field.owners.includes("GBR"))).toEqual([]);
      expect(event.subgraphs).toEqual(["GBR"]);
      expect(Object.keys(event.agreements)).toEqual(["GBR"]);
    }
    // FRA's assessment, EST's indicators: not a trace.
    expect(JSON.stringify(body)).not.toMatch(/assessment|ThreatAssessment|Indicator|"FRA"|"EST"/);
  });

  it("shows FRA's operator its own fields of the same operations, who asked, and the withheld judgement", async () => {
    const { body } = await view(operator("FRA"));
    expect(ids(body).sort()).toEqual([sent.gbrActor, sent.deuActor, sent.gbrConfidential].sort());
    const confidential = body.events.find(({ event }) => event.requestId === sent.gbrConfidential)!.event;
    expect(confidential).toMatchObject({
      kind: "operation",
      caller: { nation: "GBR" },
      purpose: "CT",
      result: "ANSWERED",
      subgraphs: ["FRA"],
    });
    const fields = confidential.kind === "operation" ? confidential.fields : [];
    expect(fields.map((field) => field.coordinate).sort()).toEqual([
      "ThreatActor.assessment",
      "ThreatAssessment.judgement",
      "ThreatAssessment.threatLevel",
    ]);
    expect(fields.find((field) => field.coordinate === "ThreatAssessment.judgement")).toMatchObject({
      decision: "REDACTED",
      reasons: ["CLEARANCE"],
    });
    expect(JSON.stringify(body)).not.toContain("ThreatActor.name");
  });

  it("filters by partner, purpose and decision, and pages with a cursor", async () => {
    expect(ids((await view(operator("FRA"), "?partner=DEU")).body)).toEqual([sent.deuActor]);
    expect(ids((await view(operator("FRA"), "?purpose=CYBER")).body)).toEqual([sent.deuActor]);
    expect(ids((await view(operator("FRA"), "?decision=REDACTED")).body)).toEqual([sent.gbrConfidential]);
    expect(ids((await view(operator("FRA"), "?from=2000-01-01&to=2000-01-02")).body)).toEqual([]);
    const first = (await view(operator("GBR"), "?limit=2")).body;
    expect(first.events.length).toBe(2);
    const second = (await view(operator("GBR"), `?limit=2&cursor=${first.next}`)).body;
    expect([second.events.length, second.next]).toEqual([1, null]);
    expect([...ids(first), ...ids(second)].sort()).toEqual([sent.gbrActor, sent.deuActor, sent.gbrConfidential].sort());
  });

  it("refuses GBR's operator without audit:read, an analyst, another nation's operator asking for GBR's view, and no token", async () => {
    const refusal = async (caller: Caller | undefined, query = "") => {
      const { status, body } = await view(caller, query);
      return [status, body.errors?.[0]?.extensions.code];
    };
    expect(await refusal(operator("GBR", "reports:read"))).toEqual([403, "OVERSIGHT_FORBIDDEN"]);
    expect(await refusal(GBR_ANALYST)).toEqual([403, "OVERSIGHT_FORBIDDEN"]);
    expect(await refusal(operator("DEU"), "?nation=GBR")).toEqual([403, "OVERSIGHT_FORBIDDEN"]);
    expect(await refusal(undefined)).toEqual([401, "UNAUTHENTICATED"]);
    expect(await refusal(operator("GBR"), "?decision=SOMETIMES")).toEqual([400, "BAD_REQUEST"]);
  });

  it("gives DEU's operator DEU's own view, in which none of GBR's fields appear", async () => {
    const { status, body } = await view(operator("DEU"));
    expect([status, body.nation]).toEqual([200, "DEU"]);
    expect(JSON.stringify(body)).not.toMatch(/ThreatActor\.name|Query\.threatActor/);
    expect(ids(body)).not.toContain(sent.gbrActor);
  });

  it("counts the same events in npm run oversight, read from the gateway's audit folder", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/audit-reports/oversight.ts", "--nation", "FRA", "--from", "2000-01-01", "--to", "2999-12-31", "--json"],
      { cwd: ROOT, env: { ...process.env, AUDIT_DIR: join(stack.dataRoot, "audit") } },
    );
    const report = JSON.parse(stdout) as AccessReport;
    expect(report.groups.map((group) => [group.partner, group.purpose, group.operations])).toEqual([
      ["DEU", "CYBER", 1],
      ["GBR", "CT", 2],
    ]);
    expect(report.groups[1]!.denials).toEqual([{ reason: "CLEARANCE", count: 1 }]);
  });
});
