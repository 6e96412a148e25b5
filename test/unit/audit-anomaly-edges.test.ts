import { describe, expect, it } from "vitest";
import type { ChainWriter } from "../../gateway/audit/chain-writer.js";
import { classifiedOperations } from "../../gateway/oversight/anomaly/detectors/classified-operations.js";
import { deniedFields } from "../../gateway/oversight/anomaly/detectors/denied-fields.js";
import { newPurpose } from "../../gateway/oversight/anomaly/detectors/new-purpose.js";
import { requestRate } from "../../gateway/oversight/anomaly/detectors/request-rate.js";
import { observationOf } from "../../gateway/oversight/anomaly/observation.js";
import { openAnomalyFlags } from "../../gateway/oversight/anomaly/open-anomaly.js";
import { SlidingCount } from "../../gateway/oversight/anomaly/sliding-count.js";
import type { Logger } from "../../lib/logger.js";
import { anomalyConfig, limit, observation } from "../support/anomaly-fixture.js";
import { requestRecord } from "../support/request-record.js";

// The edges of the anomaly flags: who a flag names, when a window re-arms, what a subject costs, what is observed and logged.

describe("the owners a crossing names", () => {
  const rows: Array<[string, number, string[]]> = [
    ["one just inside the window is named", 9_999, ["DEU", "FRA"]],
    ["one exactly a window ago has left it: its nation is not notified", 10_000, ["DEU"]],
  ];
  it.each(rows)("%s", (_name, at, owners) => {
    const window = new SlidingCount(10_000, 1);
    window.add(0, 1, ["FRA"]);
    expect(window.add(at, 1, ["DEU"])).toBe(at < 10_000 ? 2 : undefined);
    expect(window.owners(at)).toEqual(owners);
  });
});

describe("SlidingCount re-arms when the window is back exactly at its threshold", () => {
  it.each<[string, Array<[number, number]>, Array<number | undefined>]>([
    [
      "back at 3 of 3: the next one crosses again",
      [
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
        [10, 1],
      ],
      [undefined, undefined, undefined, 4, 4],
    ],
    [
      "still at 4 of 3: no second crossing",
      [
        [0, 1],
        [1, 1],
        [2, 1],
        [3, 1],
        [9, 1],
      ],
      [undefined, undefined, undefined, 4, undefined],
    ],
  ])("%s", (_name, steps, crossings) => {
    const window = new SlidingCount(10_000, 3);
    expect(steps.map(([at, weight]) => window.add(at * 1000, weight, []))).toEqual(crossings);
  });
});

describe("what a subject costs a detector", () => {
  it.each([
    ["DENIED_FIELDS", deniedFields, { denied: 1, deniedOwners: ["FRA"] }],
    ["CLASSIFIED_OPERATIONS", classifiedOperations, { classified: 1 as const, classifiedOwners: ["FRA"] }],
  ] as const)("%s: nothing while nothing of it is counted", (_flag, detectorOf, counted) => {
    const detector = detectorOf(limit(2, 10), 100);
    for (let i = 0; i < 10; i++) expect(detector.observe(observation({ sub: `analyst-${i}`, at: i }))).toBeUndefined();
    expect(detector.subjects).toBe(0);
    detector.observe(observation({ at: 20, ...counted }));
    expect(detector.subjects).toBe(1);
  });

  it("a window keeps no entry for what adds nothing, and its arrays stay bounded however much comes in", () => {
    const window = new SlidingCount(60_000, 5);
    for (let i = 0; i < 1000; i++) window.add(i, 0, []);
    expect(window.entries).toBe(0);
    for (let i = 0; i < 10_000; i++) window.add(1000 + i, 1, []);
    // The arrays behind the window, not only the entries it counts: compacted once half of them is spent.
    const arrays = window as unknown as { times: number[]; weights: number[] };
    expect(arrays.times.length).toBeLessThanOrEqual(12);
    expect(arrays.weights.length).toBeLessThanOrEqual(12);
  });

  it("a subject's known purposes stay known up to the bound", () => {
    const watched = newPurpose(limit(0, 10), { subjects: 100, purposesPerSubject: 2 });
    const crossed = ["CT", "CYBER", "CT", "CYBER"].map(
      (purpose, i) => watched.observe(observation({ purpose, at: i * 20_000 })) !== undefined,
    );
    expect(crossed).toEqual([false, true, false, false]);
    expect(watched.subjects).toBe(1);
  });

  it("request rate names each operation's owners", () => {
    const watched = requestRate(limit(0, 10), 100);
    expect(watched.observe(observation({ owners: ["EST", "FRA"] }))).toEqual({ count: 1, owners: ["EST", "FRA"] });
  });
});

describe("the observation of an operation", () => {
  it("of unclassified rows names no classified owner, and of no plan no denied field", () => {
    // The fixture's observation is an allowed unclassified read of GBR's data; only the subject differs.
    expect(observationOf(requestRecord({ rowsLevel: "UNCLASSIFIED" }), 5)).toEqual({
      ...observation({ at: 5 }),
      subject: { nation: "GBR", sub: "analyst@test", issuer: "https://idp.test" },
      key: "https://idp.test\u0000analyst@test",
    });
  });
});

describe("the observation of a request whose operation was invalid (400)", () => {
  it("still counts it, for its subject and the nations it was sent to, with no field denied", () => {
    const invalid = { kind: "invalid" as const, status: 400 as const, errors: [], validUntil: 0 };
    expect(observationOf(requestRecord({ plan: invalid, status: 400, refusal: "GRAPHQL_PARSE_FAILED" }), 5)).toMatchObject({
      owners: ["GBR"],
      denied: 0,
      deniedOwners: [],
    });
  });
});

describe("the anomaly flags around a recorder", () => {
  function recordingLog() {
    const lines: string[] = [];
    const at = (level: string) => (_fields: unknown, message: string) => void lines.push(`${level} ${message}`);
    return { lines, log: { warn: at("warn"), error: at("error") } as unknown as Logger };
  }
  const recorded = { record: async () => undefined };
  const caller = requestRecord().principal!;
  const record = (requestId: string) => requestRecord({ requestId });

  it("observes nothing, and logs nothing, of a request without a verified caller", async () => {
    const { lines, log } = recordingLog();
    const flags = openAnomalyFlags(anomalyConfig({ REQUEST_RATE: limit(0, 60, 30) }), { writer: undefined, log, now: () => 0 });
    await flags.observe(recorded).record({ ...record("request-1"), principal: undefined, status: 401 });
    expect(lines).toEqual([]);
    await flags.close();
  });

  it("logs a fault of the detection, and still resolves the recorded request", async () => {
    const { lines, log } = recordingLog();
    const flags = openAnomalyFlags(anomalyConfig(), { writer: undefined, log, now: () => 0 });
    flags.monitor.observe = () => {
      throw new Error("detector fault");
    };
    await expect(flags.observe(recorded).record(record("request-1"))).resolves.toBeUndefined();
    expect(lines).toEqual(["error anomaly detection failed"]);
    await flags.close();
  });

  it("returns from the monitor only the flags it raised", () => {
    const flags = openAnomalyFlags(anomalyConfig({ REQUEST_RATE: limit(1, 60) }), { writer: undefined, log: recordingLog().log });
    expect(flags.monitor.observe(observation({ at: 0 }))).toEqual([]);
    expect(flags.monitor.observe(observation({ at: 1 })).map((flag) => flag.flag)).toEqual(["REQUEST_RATE"]);
  });

  it("names the new purpose in a NEW_PURPOSE flag, and no purpose in a flag of another kind", () => {
    const config = anomalyConfig({ NEW_PURPOSE: limit(0, 60), REQUEST_RATE: limit(1, 60) });
    const flags = openAnomalyFlags(config, { writer: undefined, log: recordingLog().log });
    const raised = ["CT", "CYBER"].flatMap((purpose, at) => flags.monitor.observe(observation({ purpose, at })));
    expect(raised).toEqual([
      expect.objectContaining({ flag: "REQUEST_RATE", requestId: "request-1" }),
      expect.objectContaining({ flag: "NEW_PURPOSE", purpose: "CYBER" }),
    ]);
    expect(raised[0]).not.toHaveProperty("purpose");
  });

  it("gives the new-purpose detector the configured memory of purposes per subject", () => {
    const config = { ...anomalyConfig({ NEW_PURPOSE: limit(1, 60) }), purposesPerSubject: 1 };
    const flags = openAnomalyFlags(config, { writer: undefined, log: recordingLog().log });
    // With one purpose remembered, CT is forgotten once CYBER is seen, and is new again: two new purposes cross 1.
    const raised = ["CT", "CYBER", "CT"].map((purpose, at) => flags.monitor.observe(observation({ purpose, at })).length);
    expect(raised).toEqual([0, 0, 1]);
  });

  it("logs a flag the chain refused with its kind and request", async () => {
    const lines: Array<[unknown, string]> = [];
    const log = {
      warn: () => undefined,
      error: (fields: unknown, message: string) => void lines.push([fields, message]),
    } as unknown as Logger;
    const writer = { append: () => Promise.reject(new Error("full")) } as unknown as ChainWriter;
    const flags = openAnomalyFlags(anomalyConfig({ REQUEST_RATE: limit(0, 60) }), { writer, log, now: () => 0 });
    await flags.observe(recorded).record(record("request-7"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([[{ err: new Error("full"), flag: "REQUEST_RATE", requestId: "request-7" }, "anomaly flag not recorded"]]);
  });

  it("throttles with the clock it was given, for the subject that crossed", async () => {
    const { log } = recordingLog();
    const flags = openAnomalyFlags(anomalyConfig({ REQUEST_RATE: limit(0, 60, 30) }), { writer: undefined, log, now: () => 1_000_000 });
    await flags.observe(recorded).record(record("request-1"));
    expect(flags.retryAfter({ issuer: caller.issuer, sub: caller.sub }, 1_000_000)).toBe(30);
    expect(flags.retryAfter({ issuer: caller.issuer, sub: "someone else" }, 1_000_000)).toBeUndefined();
    await flags.close();
  });
});
