import { writeFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AgreementStore } from "../../../gateway/agreements/store.js";
import { createAuthenticator } from "../../../gateway/auth/authenticate.js";
import { signAgreementDocument } from "../../../lib/agreement-jws.js";
import { close, listen } from "../../../lib/http-server.js";
import { documentOf } from "../../support/agreements-fixture.js";
import { type FakeSubgraph, startFakeSubgraph } from "../../support/fake-subgraph.js";
import { type FaultGateway, faultGatewayLog, startFaultGateway } from "../../support/fault-gateway.js";
import { temporaryFolders } from "../../support/temporary-folders.js";
import { bearer, createTestKey, signToken, TEST_AUDIENCE, tokenClaims, urlIssuer } from "../../support/tokens.js";

const ACTORS = "{ threatActors(first: 1) { name } }";
const ANSWER = { data: { threatActors: [{ name: "Slow Pike" }] } };

interface Answer {
  status: number;
  body: { data?: { threatActors: unknown } | null; errors?: Array<{ message: string; extensions?: { code?: string; subgraph?: string } }> };
  ms: number;
  connection: string | null;
  requestId: string | null;
}

async function ask(gateway: FaultGateway, query = ACTORS): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(gateway.gateway.url, { method: "POST", headers: await gateway.headers(), body: JSON.stringify({ query }) });
  return {
    status: response.status,
    body: (await response.json()) as Answer["body"],
    ms: Date.now() - started,
    connection: response.headers.get("connection"),
    requestId: response.headers.get("x-request-id"),
  };
}

const until = async (condition: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const exited = (gateway: FaultGateway) =>
  new Promise<{ code: number | null; at: number }>((resolve) => {
    const child = gateway.gateway.child;
    if (child.exitCode !== null) resolve({ code: child.exitCode, at: Date.now() });
    else child.once("exit", (code) => resolve({ code, at: Date.now() }));
  });

const fakes: FakeSubgraph[] = [];
const gateways: FaultGateway[] = [];
const fake = async (behaviour: Parameters<typeof startFakeSubgraph>[0]) => {
  const subgraph = await startFakeSubgraph(behaviour);
  fakes.push(subgraph);
  return subgraph;
};
const gatewayWith = async (gbr: string, env: NodeJS.ProcessEnv = {}) => {
  const gateway = await startFaultGateway({ subgraphs: { GBR: gbr }, env });
  gateways.push(gateway);
  return gateway;
};

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(faultGatewayLog());
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.gateway.stop(1000)));
  await Promise.all(fakes.map((subgraph) => subgraph.close()));
});

describe("a dead nation behind its circuit breaker", () => {
  it("costs two timeouts, then none: requests get SUBGRAPH_UNAVAILABLE at once and the nation is not asked again", async () => {
    const dead = await fake("silent");
    const gateway = await gatewayWith(dead.url, { SUBGRAPH_TIMEOUT_MS: "1500", BREAKER_FAILURES: "2", BREAKER_COOLDOWN_MS: "60000" });
    for (let i = 0; i < 2; i++) {
      const answer = await ask(gateway);
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeGreaterThanOrEqual(1400);
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["SUBGRAPH_TIMEOUT"]);
    }
    for (let i = 0; i < 5; i++) {
      const answer = await ask(gateway);
      expect(answer.ms).toBeLessThan(750);
      expect(answer.body).toEqual({
        data: { threatActors: null },
        errors: [
          {
            message: "The GBR subgraph is unavailable",
            extensions: { code: "SUBGRAPH_UNAVAILABLE", subgraph: "GBR" },
          },
        ],
        extensions: expect.anything(),
      });
    }
    expect(dead.requests()).toBe(2);
  });

  it("lets one probe through after the cool-down, and closes again once the nation answers", async () => {
    const nation = await fake("silent");
    const gateway = await gatewayWith(nation.url, { SUBGRAPH_TIMEOUT_MS: "1000", BREAKER_FAILURES: "1", BREAKER_COOLDOWN_MS: "1500" });
    expect((await ask(gateway)).body.errors?.[0]?.extensions?.code).toBe("SUBGRAPH_TIMEOUT");
    expect((await ask(gateway)).body.errors?.[0]?.extensions?.code).toBe("SUBGRAPH_UNAVAILABLE");
    expect(nation.requests()).toBe(1);
    nation.behave({ answer: ANSWER });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const probe = await ask(gateway);
    expect(probe.body).toMatchObject({ data: ANSWER.data });
    expect(probe.body.errors).toBeUndefined();
    expect((await ask(gateway)).body.errors).toBeUndefined();
    expect(nation.requests()).toBe(3);
  });
});

describe("SIGTERM", () => {
  it("stops accepting, finishes every request in flight with its answer, records each, then exits 0", async () => {
    const slow = await fake({ answer: ANSWER, delayMs: 1500 });
    const gateway = await gatewayWith(slow.url);
    const inFlight = Array.from({ length: 5 }, () => ask(gateway));
    await until(() => slow.requests() === 5);
    const exit = exited(gateway);
    gateway.gateway.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 200));
    // No new connection is taken once the signal has arrived.
    await expect(fetch(gateway.gateway.url, { method: "POST", headers: await gateway.headers(), body: "{}" })).rejects.toThrow();
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ data: ANSWER.data });
      expect(answer.body.errors).toBeUndefined();
    }
    expect((await exit).code).toBe(0);
    const lines = gateway.auditLines().join("\n");
    for (const answer of answers) expect(lines).toContain(answer.requestId!);
  });

  it("closes a kept-alive connection after the answer in flight, so that a client asking again and again cannot hold the exit", async () => {
    const slow = await fake({ answer: ANSWER, delayMs: 300 });
    const gateway = await gatewayWith(slow.url);
    const headers = await gateway.headers();
    const url = new URL(gateway.gateway.url);
    // One connection, kept alive, asked again the moment each answer ends: for ten seconds at most.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers: Array<{ status: number; connection: string | undefined; at: number }> = [];
    const once = () =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers, agent }, (res) => {
          res.resume();
          res.on("end", () => {
            answers.push({ status: res.statusCode ?? 0, connection: res.headers.connection, at: Date.now() });
            resolve();
          });
        });
        req.on("error", reject);
        req.end(JSON.stringify({ query: ACTORS }));
      });
    const client = (async () => {
      const stopAt = Date.now() + 10_000;
      while (Date.now() < stopAt) await once();
    })().catch(() => undefined);
    await until(() => answers.length >= 2);
    const exit = exited(gateway);
    const signalled = Date.now();
    gateway.gateway.child.kill("SIGTERM");
    const { code, at } = await exit;
    await client;
    agent.destroy();
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(3000);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // The answer that was in flight at the signal told the client to close its connection.
    expect(answers.at(-1)?.connection).toBe("close");
  });

  it("cuts what is still in flight at SHUTDOWN_DEADLINE_MS, and still exits 0", async () => {
    const stuck = await fake({ answer: ANSWER, delayMs: 30_000 });
    const gateway = await gatewayWith(stuck.url, { SHUTDOWN_DEADLINE_MS: "800", SUBGRAPH_TIMEOUT_MS: "60000" });
    const pending = ask(gateway).catch((error: unknown) => error);
    await until(() => stuck.requests() === 1);
    const exit = exited(gateway);
    const signalled = Date.now();
    gateway.gateway.child.kill("SIGTERM");
    const { code, at } = await exit;
    expect(code).toBe(0);
    expect(at - signalled).toBeGreaterThanOrEqual(700);
    expect(at - signalled).toBeLessThan(5000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("trust endpoints that are down, slow or answer garbage", () => {
  const servers: Server[] = [];
  const temporary = temporaryFolders();
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => close(server, 0)));
  });
  /** A server on a free port; `handle` decides how badly it answers. */
  const serve = async (handle: (res: ServerResponse) => void) => {
    const server = createServer((req, res) => {
      req.resume();
      handle(res);
    });
    servers.push(server);
    return `http://127.0.0.1:${await listen(server, "127.0.0.1", 0)}`;
  };
  const silent = () => serve(() => undefined);
  const trickle = () =>
    serve((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"keys":[');
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
  const flood = () =>
    serve((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"keys":[],"padding":"');
      const chunk = "x".repeat(64 * 1024);
      const pump = () => {
        let more = true;
        while (more && !res.destroyed) more = res.write(chunk);
      };
      res.on("drain", pump);
      pump();
    });
  const garbage = (body: string, type = "text/html") => serve((res) => res.writeHead(200, { "content-type": type }).end(body));

  describe("an identity provider's key set (JWKS URL)", () => {
    it.each([
      ["sends headers, then its body a byte at a time", trickle],
      ["sends an endless body as fast as it can", flood],
    ])("refuses with 401 within the key set's deadline when it %s", async (_name, start) => {
      const key = await createTestKey();
      const base = await start();
      const authenticate = createAuthenticator({
        issuers: [urlIssuer("GBR", `${base}/jwks.json`)],
        audience: TEST_AUDIENCE,
        keySetOptions: { timeoutDuration: 500 },
        refusals: { note: () => undefined },
      });
      const started = Date.now();
      await expect(authenticate({ ...bearer(await signToken(key, tokenClaims("GBR"))), "x-purpose": "CT" })).rejects.toMatchObject({
        status: 401,
      });
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  describe("a nation's agreements endpoint and agreement keys", () => {
    const FETCH_DEADLINE = 500;
    let keysFile: string;
    let jwks: string;
    let signed: string;

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), alg: "EdDSA", use: "sig" };
      const kid = await calculateJwkThumbprint(jwk);
      jwks = JSON.stringify({ keys: [{ ...jwk, kid }] });
      signed = await signAgreementDocument(documentOf("FRA", { GBR: { expires: Date.now() + 86_400_000 } }), privateKey as CryptoKey, kid);
    });
    beforeEach(() => {
      keysFile = join(temporary("tearline-fault-keys-"), "jwks.json");
      writeFileSync(keysFile, jwks);
    });

    const storeOf = (url: string, keys: { file: string } | { url: string } = { file: keysFile }) =>
      new AgreementStore([{ nation: "FRA", url, keys }], { pollMs: 3_600_000, fetchTimeoutMs: FETCH_DEADLINE, onChange: () => undefined });

    it.each([
      ["never answers", silent],
      ["trickles its body", trickle],
      ["sends an endless body", flood],
      ["answers an HTML page", () => garbage("<html>maintenance</html>")],
      ["answers JSON", () => garbage('{"version": 99, "partners": {"GBR": "ACTIVE"}}', "application/json")],
      ["answers three dots", () => garbage("..", "application/jose")],
    ])("puts nothing in force when the endpoint %s, and reads it within the deadline: nothing shared", async (_name, start) => {
      const store = storeOf(`${await start()}/agreements`);
      const started = Date.now();
      await store.poll();
      expect(Date.now() - started).toBeLessThan(FETCH_DEADLINE + 1000);
      expect(store.book.size).toBe(0);
    });

    it.each([
      ["never answers", silent],
      ["answers garbage", () => garbage("<html>")],
    ])("takes no document while the agreement key set %s", async (_name, start) => {
      const document = await garbage(signed, "application/jose");
      const store = storeOf(`${document}/agreements`, { url: `${await start()}/jwks.json` });
      const started = Date.now();
      await store.poll();
      expect(Date.now() - started).toBeLessThan(FETCH_DEADLINE + 1000);
      expect(store.book.size).toBe(0);
      // The same document with its key at hand is taken: the refusals above were the key set's doing.
      const taken = storeOf(`${document}/agreements`);
      await taken.poll();
      expect(taken.book.get("FRA")?.version).toBe(1);
    });

    it("starts a gateway whose nations' agreements never answer within the poll deadline, and answers its requests at once", async () => {
      const hung = await silent();
      const nation = await fake({ answer: ANSWER });
      const started = Date.now();
      const gateway = await gatewayWith(nation.url, {
        AGREEMENTS_POLL_MS: "500",
        AGREEMENTS: JSON.stringify(
          ["FRA", "DEU", "EST"].map((code) => ({ nation: code, url: `${hung}/agreements`, keys: { file: keysFile } })),
        ),
      });
      expect(Date.now() - started).toBeLessThan(30_000);
      const answer = await ask(gateway);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ data: ANSWER.data });
      expect(answer.ms).toBeLessThan(2000);
    });
  });
});
