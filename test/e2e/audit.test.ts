import { execFileSync } from "node:child_process";
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainEntry } from "../../lib/audit/chain.js";
import { verifyCheckpoint } from "../../lib/audit/checkpoint.js";
import type { OperationEvent } from "../../lib/audit/event.js";
import { listChainFiles } from "../../lib/audit/read-chains.js";
import { verifyChain } from "../../lib/audit/verify-chain.js";
import { ed25519PublicJwks } from "../../lib/jwks-keys.js";
import { gatewayJwksPath } from "../../scripts/gateway-key/keys.js";
import type { ServiceProcess } from "../../scripts/stack/service-process.js";
import { post } from "../support/graphql-client.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { type Caller, FULLY_CLEARED, startExtraGateway, startTestStack, type TestStack } from "../support/test-stack.js";

// Folders a gateway reads until afterAll stops it: removed once every block is over.
const temporary = temporaryFolders("all");

// Every operation leaves one event in a hash chain before its answer leaves; an answer whose event cannot be written is withheld.

const GBR_ANALYST: Caller = { nation: "GBR", clearance: "CONFIDENTIAL", purposes: ["CT"] };
const QUERY = `query Actor($id: ID!) { threatActor(id: $id) { name assessment { threatLevel judgement } } }`;
const ACTOR = { id: "TA-0003" };

describe("the audit trail, end to end", () => {
  let stack: TestStack;
  let gateway: ServiceProcess;
  let auditDir: string;
  let keys: Map<string, KeyObject>;

  const chain = async () => {
    const [files, ...others] = await listChainFiles(auditDir);
    expect(others).toEqual([]);
    return files!;
  };
  const entries = async (): Promise<ChainEntry[]> =>
    readFileSync((await chain()).events, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as ChainEntry);
  const operation = async (requestId: string) =>
    (await entries()).map((entry) => entry.event).find((event) => event.kind === "operation" && event.requestId === requestId) as
      | OperationEvent
      | undefined;
  /** The chain as the verify command sees it: every hash, and every checkpoint's signature with the gateway's public keys. */
  const verdict = async () => {
    const files = await chain();
    const lines = readFileSync(files.checkpoints, "utf8").split("\n").filter(Boolean);
    const checkpoints = await Promise.all(lines.map((jws) => verifyCheckpoint(jws, (kid) => keys.get(kid))));
    return verifyChain(readFileSync(files.events, "utf8"), checkpoints);
  };

  beforeAll(async () => {
    stack = await startTestStack();
    auditDir = temporary("tearline-audit-");
    gateway = await startExtraGateway(stack, {
      AUDIT_DIR: auditDir,
      AUDIT_CHECKPOINT_EVERY: "100",
      AUDIT_CHECKPOINT_SECONDS: "1",
      // The load below is 1,000 operations at once from one caller: admission would refuse most of them (its own
      // limits are tested in test/security/denial-of-service/bounded-cost.test.ts).
      MAX_IN_FLIGHT: "1000",
      MAX_IN_FLIGHT_PER_SUBJECT: "1000",
    });
    const jwks = ed25519PublicJwks(JSON.parse(readFileSync(gatewayJwksPath(stack.keysDir), "utf8")));
    keys = new Map([...jwks].map(([kid, jwk]) => [kid, createPublicKey({ key: jwk as never, format: "jwk" })]));
  });
  afterAll(async () => {
    await gateway?.stop();
    await stack?.stop();
  });

  it("records who asked, for what purpose, each field's owners and decision, and the nations called; never a value or a token", async () => {
    const headers = await stack.headers(GBR_ANALYST);
    const answer = await post(gateway.url, QUERY, ACTOR, headers);
    expect(answer.status).toBe(200);
    const event = await operation(answer.headers.get("x-request-id")!);
    expect(event).toMatchObject({
      status: 200,
      caller: { nation: "GBR", sub: expect.any(String), issuer: expect.any(String), tokenId: expect.any(String) },
      purpose: "CT",
      operationName: "Actor",
      operationHash: expect.stringMatching(/^[\w-]{43}$/),
      result: "ANSWERED",
      code: null,
    });
    expect(event!.fields.map((field) => field.coordinate)).toEqual(expect.arrayContaining(["Query.threatActor", "ThreatActor.name"]));
    for (const field of event!.fields) {
      expect(field.owners.length).toBeGreaterThan(0);
      expect(field.decision === "ALLOWED" ? field.reasons : ["denied"]).toEqual(field.decision === "ALLOWED" ? [] : ["denied"]);
    }
    const withheld = (answer.body.errors ?? []).filter((error) => error.extensions?.code === "FORBIDDEN_FIELD").length;
    expect(withheld).toBeGreaterThan(0);
    expect(event!.fields.filter((field) => field.decision === "REDACTED").length).toBeGreaterThan(0);
    expect(event!.subgraphs.length).toBeGreaterThan(0);
    expect(Object.keys(event!.agreements).sort()).toEqual(["DEU", "EST", "FRA", "GBR"]);
    const text = readFileSync((await chain()).events, "utf8");
    expect(text).not.toContain(headers.authorization!.slice("Bearer ".length));
    const name = (answer.body.data as { threatActor: { name: string } }).threatActor.name;
    expect(text).not.toContain(name);
  });

  it("records refusals too, with what is known: a request without a token has no caller", async () => {
    const answer = await post(gateway.url, QUERY, ACTOR, {});
    expect(answer.status).toBe(401);
    const refusal = expect.objectContaining({ caller: null, purpose: null, result: "REFUSED", code: "UNAUTHENTICATED", fields: [] });
    // The refusal names its event, as every answer does.
    expect(await operation(answer.headers.get("x-request-id") ?? "")).toEqual(refusal);
    const refusals = (await entries()).map((entry) => entry.event).filter((event) => event.kind === "operation" && event.status === 401);
    expect(refusals).toEqual([refusal]);
  });

  it("loses no event under load: 1,000 concurrent operations, 1,000 events, and the chain intact", async () => {
    const headers = await stack.headers(FULLY_CLEARED);
    const answers = await Promise.all(Array.from({ length: 1000 }, () => post(gateway.url, QUERY, ACTOR, headers)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(1000).fill(200));
    const ids = new Set(answers.map((answer) => answer.headers.get("x-request-id")));
    expect(ids.size).toBe(1000);
    const recorded = (await entries()).filter((entry) => entry.event.kind === "operation" && ids.has(entry.event.requestId));
    expect(recorded.length).toBe(1000);
    // Checkpoints every 100 events: the chain is signed up to at least its last hundred.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const result = await verdict();
    expect(result).toMatchObject({ ok: true, closed: false });
    expect(result.ok && result.checkpoints).toBeGreaterThan(0);
  });

  it("withholds the answer when its event cannot be made durable (the store cannot grow), and goes on once it can", async () => {
    const headers = await stack.headers(FULLY_CLEARED);
    const events = (await chain()).events;
    // The operating system refuses (a soft limit: lifting a hard one again needs a capability a container may lack) the gateway's next write to the events file (EFBIG), as a full disk would.
    execFileSync("prlimit", ["--pid", String(gateway.child.pid), `--fsize=${statSync(events).size}:unlimited`]);
    try {
      const refused = await post(gateway.url, QUERY, ACTOR, headers);
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({
        errors: [{ message: "The audit trail cannot be written; no answer is released", extensions: { code: "AUDIT_UNAVAILABLE" } }],
      });
      expect(refused.text).not.toContain("threatLevel");
    } finally {
      execFileSync("prlimit", ["--pid", String(gateway.child.pid), "--fsize=unlimited:unlimited"]);
    }
    const answered = await post(gateway.url, QUERY, ACTOR, headers);
    expect(answered.status).toBe(200);
    expect(await operation(answered.headers.get("x-request-id")!)).toBeDefined();
    expect(await verdict()).toMatchObject({ ok: true });
  });

  it("flushes and signs a final checkpoint on SIGTERM: the closed chain is vouched for to its last event", async () => {
    await gateway.stop();
    const result = await verdict();
    expect(result).toMatchObject({ ok: true, closed: true, unsigned: 0 });
    expect(result.ok && result.count).toBe((await entries()).length);
  });
});
