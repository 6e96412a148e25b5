import type { IncomingMessage } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RequestRecord } from "../../gateway/audit/record.js";
import { openAnomalyFlags } from "../../gateway/oversight/anomaly/open-anomaly.js";
import { Throttle } from "../../gateway/oversight/anomaly/throttle.js";
import { createGraphQLHandler } from "../../gateway/pipeline/handle-request.js";
import type { Logger } from "../../lib/logger.js";
import { ROW_MARKING_EXTENSION } from "../../lib/row-marking.js";
import { anomalyConfig, limit } from "../support/anomaly-fixture.js";
import { plannerFor, testState } from "../support/plan-harness.js";
import { coalitions, principal } from "../support/policy-harness.js";

/** The flags a monitor logged, and nothing written anywhere. */
function flagLog() {
  const flags: Array<Record<string, unknown>> = [];
  const log = {
    warn: (fields: Record<string, unknown>, message: string) => message === "anomaly flag" && flags.push(fields),
    error: () => undefined,
  };
  return { flags, log: log as unknown as Logger };
}

describe("Throttle: a subject's cool-down", () => {
  it.each([
    ["not held", undefined, 0, undefined],
    ["held: whole seconds, rounded up", 2_500, 0, 3],
    ["under a second left is still one", 2_500, 2_400, 1],
    ["expired exactly at its end", 2_500, 2_500, undefined],
    ["expired after it", 2_500, 9_000, undefined],
  ])("%s", (_name, until, now, retryAfter) => {
    const throttle = new Throttle(10);
    if (until !== undefined) throttle.hold("s", until);
    expect(throttle.retryAfter("s", now)).toBe(retryAfter);
  });

  it("keeps the later of two holds, and forgets an expired one", () => {
    const throttle = new Throttle(10);
    expect(throttle.hold("s", 5_000)).toBe(5_000);
    expect(throttle.hold("s", 3_000)).toBe(5_000);
    expect(throttle.retryAfter("s", 5_001)).toBeUndefined();
    expect(throttle.size).toBe(0);
  });

  it("holds at most its capacity, letting go of the one held longest ago", () => {
    const throttle = new Throttle(2);
    for (const key of ["a", "b", "c"]) throttle.hold(key, 10_000);
    expect(throttle.size).toBe(2);
    expect(["a", "b", "c"].map((key) => throttle.retryAfter(key, 0))).toEqual([undefined, 10, 10]);
  });
});

describe("a threshold with throttleSeconds, through the request pipeline", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  function gateway(throttleSeconds: number | undefined) {
    const records: RequestRecord[] = [];
    const executions: string[] = [];
    const { flags: raised, log } = flagLog();
    const flags = openAnomalyFlags(anomalyConfig({ REQUEST_RATE: limit(2, 60, throttleSeconds) }), { writer: undefined, log });
    const handler = createGraphQLHandler({
      authenticate: async () => principal({ nation: "GBR", clearance: "SECRET" }),
      policy: () => testState,
      planner: plannerFor(),
      execute: async (context) => {
        executions.push(context.requestId);
        context.rows.note({ [ROW_MARKING_EXTENSION]: { level: "SECRET", releasableTo: ["GBR"] } });
        return { status: 200, data: { actor: { name: "Fancy Bear" } }, errors: [], extensions: undefined };
      },
      coalitions,
      recorder: flags.observe({ record: async (record) => void records.push(record) }),
      retryAfter: flags.retryAfter,
    });
    const send = () => handler({ headers: {} } as IncomingMessage, async () => ({ query: `{ actor(id: "1") { name } }` }));
    return { send, records, executions, raised };
  }

  it("refuses the subject with 429, Retry-After and THROTTLED once it crosses, records the refusal, and lets it in after", async () => {
    const { send, records, executions, raised } = gateway(30);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([200, 200, 200]); // the third crosses: its answer has left already
    vi.setSystemTime(1_000_000 + 10_500);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({ "retry-after": "20", "x-request-id": records.at(-1)?.requestId });
    expect(JSON.parse(refused.json)).toEqual({
      errors: [{ message: "Too many requests; retry later", extensions: { code: "THROTTLED" } }],
    });
    expect(executions).toHaveLength(3);
    expect(records.at(-1)).toMatchObject({ status: 429, refusal: "THROTTLED", principal: { nation: "GBR" }, plan: undefined });
    vi.setSystemTime(1_000_000 + 30_000);
    expect((await send()).status).toBe(200);
    // The refusal counted towards the rate too: no second flag while the window stays above the threshold.
    expect(raised).toEqual([
      expect.objectContaining({ flag: "REQUEST_RATE", count: 3, threshold: 2, throttledUntil: new Date(1_030_000).toISOString() }),
    ]);
  });

  it("records the rows' classification with each answered operation", async () => {
    const { send, records } = gateway(undefined);
    await send();
    expect(records[0]?.rowsLevel).toBe("SECRET");
  });

  it("only flags, never refuses, without throttleSeconds", async () => {
    const { send, raised } = gateway(undefined);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(raised).toEqual([expect.objectContaining({ flag: "REQUEST_RATE", throttledUntil: null })]);
  });
});
