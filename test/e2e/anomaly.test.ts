import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlagEvent } from "../../lib/audit/event.js";
import { readAuditFolder } from "../../lib/audit/read-chains.js";
import { close, listen } from "../../lib/http-server.js";
import { signDevToken } from "../../scripts/idp/sign.js";
import { post } from "../support/graphql-client.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { type Caller, startTestStack, type TestStack } from "../support/test-stack.js";

// Anomaly flags end to end: low thresholds, each flag driven by its own subject, seen in the audit chain and at each
// owning nation's webhook; the rate flag also throttles its subject for two seconds.

const THRESHOLDS = {
  REQUEST_RATE: { windowSeconds: 60, threshold: 4, throttleSeconds: 2 },
  DENIED_FIELDS: { windowSeconds: 60, threshold: 2 },
  CLASSIFIED_OPERATIONS: { windowSeconds: 60, threshold: 2 },
  NEW_PURPOSE: { windowSeconds: 60, threshold: 0 },
};

const NAME = `query ($id: ID!) { threatActor(id: $id) { name } }`;
const ASSESSMENT = `query ($id: ID!) { threatActor(id: $id) { name assessment { threatLevel } } }`;
const WATCHED = `query ($id: ID!) { threatActor(id: $id) { name assessment { threatLevel } watchlistEntry } }`;
// A lookup that finds nothing reads no labelled row: its subject's rate can be driven without classified reads.
const NO_SUCH_INDICATOR = `{ indicator(value: "no-such-indicator.example") { id } }`;
const ACTOR = { id: "TA-0003" };

describe("anomaly flags, end to end", () => {
  const temporary = temporaryFolders();
  let stack: TestStack;
  let receiver: Server;
  const received: Array<{ nation: string; flag: FlagEvent }> = [];

  /** Headers of a real token from the nation's dev IdP for a subject of the test's own. */
  const as = async (sub: string, caller: Caller, purpose = caller.purposes[0]!) => {
    const token = await signDevToken({ keysDir: stack.keysDir, ttlSeconds: 600, subject: sub, ...caller });
    return { authorization: `Bearer ${token}`, "x-purpose": purpose };
  };
  const ask = async (query: string, headers: Record<string, string>, variables: Record<string, unknown> = ACTOR) =>
    post(stack.gateway.url, query, variables, headers);

  const flagsInChain = async () => {
    const flags: FlagEvent[] = [];
    for await (const entry of readAuditFolder(join(stack.dataRoot, "audit"))) if (entry.event.kind === "flag") flags.push(entry.event);
    return flags;
  };
  /** Polls until `find` finds something (flags are recorded and notified after the answer that raised them leaves). */
  const eventually = async <T>(find: () => Promise<T | undefined> | T | undefined): Promise<T> => {
    for (const started = Date.now(); Date.now() - started < 10_000; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const found = await find();
      if (found !== undefined) return found;
    }
    throw new Error("not found within 10 s");
  };
  const notified = (sub: string, kind: FlagEvent["flag"]) =>
    eventually(() => {
      const found = received.filter(({ flag }) => flag.subject.sub === sub && flag.flag === kind);
      return found.length > 0 ? found : undefined;
    });
  const recorded = (sub: string, kind: FlagEvent["flag"]) =>
    eventually(async () => (await flagsInChain()).find((flag) => flag.subject.sub === sub && flag.flag === kind));

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ nation: (req.url ?? "").slice(1), flag: JSON.parse(Buffer.concat(chunks).toString()) as FlagEvent });
        res.writeHead(204).end();
      });
    });
    const port = await listen(receiver, "127.0.0.1", 0);
    const config = join(temporary("tearline-anomaly-"), "anomaly.json");
    writeFileSync(config, JSON.stringify({ thresholds: THRESHOLDS, webhook: { attempts: 3, backoffMs: 100, timeoutMs: 2000 } }));
    const webhooks = Object.fromEntries(["GBR", "FRA", "DEU", "EST"].map((nation) => [nation, `http://127.0.0.1:${port}/${nation}`]));
    stack = await startTestStack({ gatewayEnv: { ANOMALY_CONFIG: config, ANOMALY_WEBHOOKS: JSON.stringify(webhooks) } });
  });
  afterAll(async () => {
    await stack?.stop();
    if (receiver) await close(receiver);
  });

  it("flags a request rate over its threshold, throttles the subject with 429 and Retry-After, then lets it in again", async () => {
    const headers = await as("rate@deu", { nation: "DEU", clearance: "SECRET", purposes: ["CYBER"] });
    for (let i = 0; i < 5; i++) expect((await ask(NO_SUCH_INDICATOR, headers, {})).status).toBe(200);
    const throttled = await ask(NO_SUCH_INDICATOR, headers, {});
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(throttled.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect(throttled.body.errors).toEqual([{ message: "Too many requests; retry later", extensions: { code: "THROTTLED" } }]);
    // Others are not throttled.
    expect(
      (await ask(NO_SUCH_INDICATOR, await as("other@deu", { nation: "DEU", clearance: "SECRET", purposes: ["CYBER"] }), {})).status,
    ).toBe(200);

    const flag = await recorded("rate@deu", "REQUEST_RATE");
    expect(flag).toMatchObject({
      subject: { nation: "DEU", issuer: expect.any(String) },
      owners: ["EST"],
      count: 5,
      threshold: 4,
      windowSeconds: 60,
    });
    expect(Date.parse(flag.throttledUntil!) - Date.parse(flag.at)).toBe(2000);
    expect(await notified("rate@deu", "REQUEST_RATE")).toEqual([{ nation: "EST", flag }]);

    // The refusal is in the trail like any other.
    const requestId = throttled.headers.get("x-request-id");
    const refusal = await eventually(async () => {
      for await (const entry of readAuditFolder(join(stack.dataRoot, "audit")))
        if (entry.event.kind === "operation" && entry.event.requestId === requestId) return entry.event;
      return undefined;
    });
    expect(refusal).toMatchObject({ status: 429, result: "REFUSED", code: "THROTTLED", caller: { nation: "DEU", sub: "rate@deu" } });

    await new Promise((resolve) => setTimeout(resolve, Date.parse(flag.throttledUntil!) - Date.now() + 50));
    expect((await ask(NO_SUCH_INDICATOR, headers, {})).status).toBe(200);
    // Still over the threshold in the window: once per crossing, no second flag.
    expect((await flagsInChain()).filter((f) => f.subject.sub === "rate@deu" && f.flag === "REQUEST_RATE")).toHaveLength(1);
  });

  it("flags denied-field attempts, notifying the owners of the fields denied and no one else", async () => {
    const headers = await as("denied@est", { nation: "EST", clearance: "RESTRICTED", purposes: ["CYBER"] });
    for (let i = 0; i < 2; i++) expect((await ask(WATCHED, headers)).status).toBe(200);
    const flag = await recorded("denied@est", "DENIED_FIELDS");
    // FRA's assessment, and DEU's watchlist entry, which is derived from GBR's name (@requires): GBR owns it too.
    expect(flag).toMatchObject({ owners: ["DEU", "FRA", "GBR"], count: 4, threshold: 2, throttledUntil: null });
    const notifications = await eventually(async () => {
      const found = await notified("denied@est", "DENIED_FIELDS");
      return found.length === 3 ? found : undefined;
    });
    expect(notifications.map(({ nation }) => nation).sort()).toEqual(["DEU", "FRA", "GBR"]);
    expect(notifications.every((notification) => JSON.stringify(notification.flag) === JSON.stringify(flag))).toBe(true);
  });

  it("flags classified reads over the threshold", async () => {
    const headers = await as("reader@deu", { nation: "DEU", clearance: "TOP_SECRET", purposes: ["CT"] });
    for (let i = 0; i < 3; i++) expect((await ask(ASSESSMENT, headers)).status).toBe(200);
    const flag = await recorded("reader@deu", "CLASSIFIED_OPERATIONS");
    expect(flag).toMatchObject({ count: 3, threshold: 2, owners: ["FRA", "GBR"] });
    expect((await notified("reader@deu", "CLASSIFIED_OPERATIONS")).map(({ nation }) => nation).sort()).toEqual(["FRA", "GBR"]);
  });

  it("flags a purpose the subject has not used before, and never puts a token or a value in a flag", async () => {
    const caller: Caller = { nation: "GBR", clearance: "SECRET", purposes: ["CT", "CYBER"] };
    const ct = await as("purpose@gbr", caller, "CT");
    expect((await ask(NAME, ct)).status).toBe(200);
    expect((await ask(NAME, ct)).status).toBe(200);
    expect(await flagsInChain()).not.toContainEqual(
      expect.objectContaining({ flag: "NEW_PURPOSE", subject: expect.objectContaining({ sub: "purpose@gbr" }) }),
    );
    const answer = await ask(NAME, await as("purpose@gbr", caller, "CYBER"));
    expect(answer.status).toBe(200);
    const flag = await recorded("purpose@gbr", "NEW_PURPOSE");
    expect(flag).toMatchObject({
      count: 1,
      threshold: 0,
      owners: ["GBR"],
      purpose: "CYBER",
      requestId: answer.headers.get("x-request-id"),
    });
    const [notification] = await notified("purpose@gbr", "NEW_PURPOSE");
    const text = JSON.stringify(notification);
    expect(text).not.toContain(ct.authorization.slice("Bearer ".length));
    expect(text).not.toContain("Crimson Pike"); // the actor's name that was read
  });
});
