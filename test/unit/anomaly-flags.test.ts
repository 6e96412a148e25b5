import { describe, expect, it } from "vitest";
import { AuditUnavailable, type ChainWriter } from "../../gateway/audit/chain-writer.js";
import type { Recorder, RequestRecord } from "../../gateway/audit/record.js";
import { observationOf } from "../../gateway/oversight/anomaly/observation.js";
import { openAnomalyFlags } from "../../gateway/oversight/anomaly/open-anomaly.js";
import type { AuditEvent } from "../../lib/audit/event.js";
import type { Logger } from "../../lib/logger.js";
import { anomalyConfig, limit } from "../support/anomaly-fixture.js";
import { CONFIDENTIAL_GBR, planOf } from "../support/plan-harness.js";
import { requestRecord } from "../support/request-record.js";

const T0 = Date.parse("2026-12-03T10:00:00Z");

const record = (overrides: Partial<RequestRecord> = {}): RequestRecord => requestRecord({ receivedAt: T0, ...overrides });

/** Everything logged, by level, as pino would get it. */
function recordingLog() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { lines, log: { warn: at("warn"), error: at("error") } as unknown as Logger };
}

/** A chain writer that keeps what it is given, or refuses it. */
function fakeWriter(refuse = false) {
  const appended: AuditEvent[] = [];
  const writer = {
    append: async (event: AuditEvent) => {
      if (refuse) throw new AuditUnavailable("the audit trail cannot be written");
      appended.push(event);
    },
  } as unknown as ChainWriter;
  return { appended, writer };
}

const recorded: Recorder = { record: async () => undefined };
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("what the detectors observe of a recorded operation", () => {
  it("nothing of a request whose caller was never verified", () => {
    expect(observationOf(record({ principal: undefined, status: 401 }), T0)).toBeUndefined();
  });

  it("the subject, the purpose, the denied fields and their owners, every owner reached for, and the rows' classification", () => {
    const { plan } = planOf(`{ actor(id: "1") { name secretName assessment } }`, CONFIDENTIAL_GBR);
    const observation = observationOf(record({ plan, subgraphs: new Set(["GBR", "FRA"]), rowsLevel: "CONFIDENTIAL" }), T0);
    expect(observation).toMatchObject({
      at: T0,
      requestId: "request-1",
      subject: { nation: "GBR", sub: "analyst@test", issuer: "https://idp.test" },
      purpose: "CT",
      denied: 1,
      deniedOwners: ["GBR"],
      classified: 1,
      classifiedOwners: ["GBR", "FRA"],
    });
    expect([...observation!.owners].sort()).toEqual(["FRA", "GBR"]);
  });

  it.each([
    [undefined, 0],
    ["UNCLASSIFIED", 0],
    ["RESTRICTED", 1],
    ["TOP_SECRET", 1],
  ] as const)("rows marked %s count as %d classified reads", (rowsLevel, classified) => {
    expect(observationOf(record({ rowsLevel }), T0)?.classified).toBe(classified);
  });
});

describe("a flag, once raised", () => {
  const config = anomalyConfig({ REQUEST_RATE: limit(1, 60, 30) });

  it("is appended to the audit chain after the operation that raised it, and logged without the subject's sub", async () => {
    const { appended, writer } = fakeWriter();
    const { lines, log } = recordingLog();
    const flags = openAnomalyFlags(config, { writer, log, now: () => T0 });
    const recorder = flags.observe(recorded);
    await recorder.record(record({ requestId: "request-1" }));
    await recorder.record(record({ requestId: "request-2" }));
    await settle();
    const flag = {
      kind: "flag",
      at: new Date(T0).toISOString(),
      flag: "REQUEST_RATE",
      subject: { nation: "GBR", sub: "analyst@test", issuer: "https://idp.test" },
      owners: ["GBR"],
      count: 2,
      threshold: 1,
      windowSeconds: 60,
      throttledUntil: new Date(T0 + 30_000).toISOString(),
      requestId: "request-2",
    };
    expect(appended).toEqual([flag]);
    expect(lines).toEqual([
      { level: "warn", fields: expect.objectContaining({ flag: "REQUEST_RATE", nation: "GBR" }), message: "anomaly flag" },
    ]);
    expect(JSON.stringify(lines)).not.toContain("analyst@test");
    expect(flags.retryAfter({ issuer: "https://idp.test", sub: "analyst@test" }, T0)).toBe(30);
    expect(flags.retryAfter({ issuer: "https://idp.other", sub: "analyst@test" }, T0)).toBeUndefined();
    await flags.close();
  });

  it("is still logged, and throttles, without an audit trail (AUDIT_STORE=none)", async () => {
    const { lines, log } = recordingLog();
    const flags = openAnomalyFlags(config, { writer: undefined, log, now: () => T0 });
    const recorder = flags.observe(recorded);
    for (const requestId of ["request-1", "request-2"]) await recorder.record(record({ requestId }));
    expect(lines.map((line) => line.message)).toEqual(["anomaly flag"]);
    expect(flags.retryAfter({ issuer: "https://idp.test", sub: "analyst@test" }, T0 + 29_500)).toBe(1);
  });

  it("that the chain refuses is logged, and the request that raised it is not failed for it", async () => {
    const { writer } = fakeWriter(true);
    const { lines, log } = recordingLog();
    const recorder = openAnomalyFlags(config, { writer, log, now: () => T0 }).observe(recorded);
    for (const requestId of ["request-1", "request-2"]) await expect(recorder.record(record({ requestId }))).resolves.toBeUndefined();
    await settle();
    expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual(["warn anomaly flag", "error anomaly flag not recorded"]);
  });

  it("is never raised on an operation whose own event could not be recorded: that answer is withheld", async () => {
    const { appended, writer } = fakeWriter();
    const flags = openAnomalyFlags(config, { writer, log: recordingLog().log, now: () => T0 });
    const failing = flags.observe({ record: async () => Promise.reject(new AuditUnavailable("full")) });
    for (const requestId of ["request-1", "request-2"])
      await expect(failing.record(record({ requestId }))).rejects.toThrow(AuditUnavailable);
    await settle();
    expect(appended).toEqual([]);
    expect(flags.retryAfter({ issuer: "https://idp.test", sub: "analyst@test" }, T0)).toBeUndefined();
  });
});
