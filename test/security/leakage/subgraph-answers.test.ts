import { writeFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signAgreementDocument } from "../../../lib/agreement-jws.js";
import { documentOf } from "../../support/agreements-fixture.js";
import { type FakeSubgraph, startFakeSubgraph } from "../../support/fake-subgraph.js";
import { type FaultGateway, faultGatewayLog, startFaultGateway } from "../../support/fault-gateway.js";
import { type GraphQLResponse, post } from "../../support/graphql-client.js";
import { expectNoLeak } from "../../support/leak-scan.js";
import { type StreamingSubgraph, startStreamingSubgraph } from "../../support/streaming-subgraph.js";
import { temporaryFolders } from "../../support/temporary-folders.js";

// Key folders of the gateways started in beforeAll: removed once every block is over.
const suiteFolder = temporaryFolders("all");

// Leakage through subgraphs (issue 12): a nation's subgraph gone wrong or hostile (FRA's, a fake) answers HTML, a 500
// with a stack trace and secrets, errors whose message and extensions hold secrets, broken JSON, or data nobody asked
// for. The client gets a sanitised error for FRA's fields (a code, a path, the subgraph's name; nothing the subgraph
// said) and never an injected value, while the other nation's data (GBR's, a well-behaved fake) still arrives.

/** What the fake puts in its answers; none of it may reach a client. */
const SECRETS = [
  /hunter2/,
  /password/i,
  /\binternal\b/i,
  /\/srv\//,
  /<anonymous>/,
  /INJECTED/,
  /nginx/i,
  /postgres/i,
  /<html/i,
  /Traceback|stack/i,
];
const STACK = `Error: connect ECONNREFUSED 10.20.30.40:5432 (postgres://admin:password=hunter2@fra-db.internal:5432/fra)
    at Object.<anonymous> (/srv/tearline/fra/resolvers.js:41:13)
    at Module._compile (node:internal/modules/cjs/loader:1256:14)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)`;

/** Two GBR actors, each with FRA's assessment: an entity fetch to FRA, the fake's to answer. */
const ACTORS = "{ threatActors(first: 2) { name assessment { threatLevel judgement } } }";
const GBR_ACTORS = [
  { __typename: "ThreatActor", id: "TA-0001", name: "Night Heron" },
  { __typename: "ThreatActor", id: "TA-0002", name: "Night Wolf" },
];

const send = (res: ServerResponse, status: number, type: string, body: string) => {
  res.writeHead(status, { "content-type": type });
  res.end(body);
};
const json = (value: unknown) => JSON.stringify(value);
/** Two entities, as the gateway asked for two actors' assessments; `assessment` is what each carries. */
const entities = (assessment: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  json({ data: { _entities: [0, 1].map(() => ({ __typename: "ThreatActor", assessment, ...extra })) } });
const secretError = {
  message: `password=hunter2 at http://fra-db.internal:5432 — ${STACK}`,
  path: ["_entities", 0, "assessment"],
  extensions: {
    code: "FORBIDDEN_FIELD",
    reason: "password=hunter2",
    reasons: ["http://fra-db.internal:5432/INJECTED", "SECRET//ORCHID"],
    subgraph: "http://fra-db.internal",
    stacktrace: STACK.split("\n"),
    exception: { stacktrace: STACK.split("\n"), secret: "hunter2" },
  },
};

describe("leakage through a subgraph gone wrong (FRA's a fake that may answer anything)", () => {
  let gbr: FakeSubgraph;
  let fra: StreamingSubgraph;
  let agreements: StreamingSubgraph;
  let gateway: FaultGateway;
  let headers: Record<string, string>;
  /** Every answer's errors, scanned for internals at the end. */
  const errorBodies: string[] = [];

  beforeAll(async () => {
    // France shares with Britain (a signed agreement served as a nation would): FRA's fields are asked of FRA.
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: "EdDSA", use: "sig" };
    const kid = await calculateJwkThumbprint(jwk);
    const keys = join(suiteFolder("tearline-leak-keys-"), "jwks.json");
    writeFileSync(keys, JSON.stringify({ keys: [{ ...jwk, kid }] }));
    const signed = await signAgreementDocument(
      documentOf("FRA", { GBR: { expires: Date.now() + 86_400_000 } }),
      privateKey as CryptoKey,
      kid,
    );
    agreements = await startStreamingSubgraph((_req, res) => send(res, 200, "application/jose", signed));
    gbr = await startFakeSubgraph({ answer: { data: { threatActors: GBR_ACTORS } } });
    fra = await startStreamingSubgraph((_req, res) => send(res, 200, "application/json", entities({ threatLevel: "SEVERE" })));
    gateway = await startFaultGateway({
      subgraphs: { GBR: gbr.url, FRA: fra.url },
      // The breaker stays shut: each case below reaches the fake, whatever the one before it answered.
      env: { BREAKER_FAILURES: "1000", AGREEMENTS: JSON.stringify([{ nation: "FRA", url: agreements.url, keys: { file: keys } }]) },
    });
    // A British analyst cleared to CONFIDENTIAL: France's assessment is theirs to read, its judgement (SECRET) is not.
    headers = await gateway.headers({ clearance: "CONFIDENTIAL" });
  });
  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(faultGatewayLog().slice(-5000));
  });
  afterAll(async () => {
    await gateway?.gateway.stop(1000);
    await Promise.all([fra?.close(), gbr?.close(), agreements?.close()]);
  });

  /** How FRA's fake answers from now on: `body` as it is, or JSON. */
  const fraAnswers = (body: unknown, status = 200, type = "application/json") => {
    const text = typeof body === "string" ? body : json(body);
    fra.answer = (_req, res) => send(res, status, type, text);
  };
  const ask = async (query = ACTORS): Promise<GraphQLResponse> => {
    const answer = await post(gateway.gateway.url, query, {}, headers);
    if (answer.body.errors) errorBodies.push(JSON.stringify(answer.body.errors));
    for (const pattern of SECRETS) expect(answer.text, `${pattern} in ${answer.text.slice(0, 500)}`).not.toMatch(pattern);
    return answer;
  };
  /** GBR's actors arrive whole; FRA's assessment is null with one sanitised error per actor or one in all, naming FRA only. */
  const expectFraFailedAlone = ({ status, body }: GraphQLResponse, codes = ["SUBGRAPH_ERROR", "SUBGRAPH_UNAVAILABLE"]) => {
    expect(status).toBe(200);
    const actors = (body.data as { threatActors: Array<{ name: string; assessment: unknown }> }).threatActors;
    expect(actors).toHaveLength(2);
    for (const actor of actors) {
      expect(actor.name).toMatch(/\w/);
      expect(actor.assessment).toBeNull();
    }
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) {
      expect(codes).toContain(error.extensions?.code);
      expect(error.extensions).toEqual({ code: error.extensions?.code, subgraph: "FRA" });
      expect(error.message).toMatch(/^The FRA subgraph (could not resolve this field|is unavailable)$/);
    }
  };

  it("serves the fake's well-formed answer: the harness works", async () => {
    const { body } = await ask();
    expect(body.data).toEqual({
      threatActors: [expect.objectContaining({ assessment: { threatLevel: "SEVERE", judgement: null } }), expect.anything()],
    });
    // The judgement (SECRET) was never asked of FRA: withheld by the gateway with its reason category.
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toContainEqual(["FORBIDDEN_FIELD", "CLEARANCE"]);
  });

  it.each([
    ["an HTML page with 200", 200, "text/html", `<html><body>nginx: password=hunter2 http://fra-db.internal/</body></html>`],
    ["an HTML page with 502", 502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body>nginx/1.25.3</body></html>"],
    ["a 500 with a stack trace and secrets as text", 500, "text/plain", STACK],
    ["a 500 with a stack trace and secrets as JSON", 500, "application/json", json({ errors: [secretError] })],
    ["a 500 with a stack trace in a JSON 'data'", 500, "application/json", json({ data: { _entities: null, stack: STACK } })],
    ["broken JSON", 200, "application/json", `{"data":{"_entities":[{"assessment":{"threatLevel":"password=hunter2`],
    ["JSON of the wrong shape", 200, "application/json", json(["password=hunter2", STACK])],
    ["an empty body", 200, "application/json", ""],
  ])("answers %s: FRA's fields null with a sanitised error, GBR's data whole", async (_name, status, type, body) => {
    fraAnswers(body, status, type);
    expectFraFailedAlone(await ask());
  });

  it("answers errors whose message and extensions hold secrets: none of them, not even the reason, reaches the client", async () => {
    fraAnswers(json({ data: { _entities: [{ assessment: null }, { assessment: null }] }, errors: [secretError] }));
    const answer = await ask();
    expect(answer.status).toBe(200);
    const errors = answer.body.errors ?? [];
    const fromFra = errors.filter((e) => e.extensions?.code !== "FORBIDDEN_FIELD" || e.extensions?.subgraph === "FRA");
    expect(fromFra.length).toBeGreaterThan(0);
    for (const error of fromFra) {
      expect(error.message).toBe("The FRA subgraph could not resolve this field");
      expect(error.extensions).toEqual({ code: "SUBGRAPH_ERROR", subgraph: "FRA" });
    }
    expect(answer.text).not.toMatch(/SECRET\/\/ORCHID/);
  });

  it("passes a nation's own refusal on with its reason category, when that is all it says", async () => {
    const refusal = {
      message: "withheld",
      path: ["_entities", 0, "assessment"],
      extensions: { code: "FORBIDDEN_FIELD", reason: "CLEARANCE", reasons: ["CLEARANCE"] },
    };
    fraAnswers({ data: { _entities: [{ assessment: null }, { assessment: null }] }, errors: [refusal] });
    const { body } = await ask();
    const fromFra = (body.errors ?? []).filter((e) => e.extensions?.subgraph === "FRA");
    expect(fromFra.map((e) => e.extensions)).toContainEqual({
      code: "SUBGRAPH_ERROR",
      subgraph: "FRA",
      reason: "CLEARANCE",
      reasons: ["CLEARANCE"],
    });
  });

  it("drops fields nobody asked for and a denied field injected into the answer: no injected value reaches the client", async () => {
    fraAnswers(
      entities(
        { threatLevel: "SEVERE", judgement: "INJECTED judgement", confidence: "INJECTED", assessedAt: "INJECTED" },
        { name: "INJECTED name", fraReports: [{ id: "INJECTED", body: "INJECTED" }], watchlistEntry: "INJECTED" },
      ).replace('{"data":', '{"injected":"INJECTED","extensions":{"INJECTED":true},"data":'),
    );
    const { status, body } = await ask();
    expect(status).toBe(200);
    const actors = (body.data as { threatActors: Array<Record<string, unknown>> }).threatActors;
    for (const actor of actors) {
      expect(Object.keys(actor).sort()).toEqual(["assessment", "name"]);
      expect(actor.assessment).toEqual({ threatLevel: "SEVERE", judgement: null });
    }
    expect(body.errors?.map((e) => [e.extensions?.code, e.path])).toContainEqual([
      "FORBIDDEN_FIELD",
      ["threatActors", 0, "assessment", "judgement"],
    ]);
  });

  it("drops a root field's injected siblings and a denied field injected into a list", async () => {
    fraAnswers({
      data: {
        fraReports: [{ id: "FR-1", title: "A title", body: "INJECTED body", summary: "INJECTED summary", originator: "INJECTED" }],
        gbrReports: [{ id: "INJECTED" }],
        injected: "INJECTED",
      },
    });
    const { status, body } = await ask("{ fraReports(first: 1) { id title body } threatActors(first: 1) { name } }");
    expect(status).toBe(200);
    expect(body.data?.fraReports).toEqual([{ id: "FR-1", title: "A title", body: null }]);
    expect(body.data?.threatActors).toEqual([{ name: "Night Heron" }, { name: "Night Wolf" }]);
  });

  it("answers a value in a shape the schema does not allow with a plain error at its path, not Apollo's own report", async () => {
    fraAnswers(entities({ threatLevel: ["password=hunter2"], judgement: null }));
    const { status, body, text } = await ask();
    expect(status).toBe(200);
    expect(Object.keys(body.extensions ?? {})).toEqual(["classification"]);
    expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toContainEqual([
      "SUBGRAPH_ERROR",
      "A subgraph answered this field in a shape the schema does not allow",
    ]);
    expect(text).not.toMatch(/hunter2|valueCompletion/);
  });

  it("never names a URL, a library, a stack frame, a label value or a compartment in any error collected", async () => {
    expect(errorBodies.length).toBeGreaterThan(8);
    for (const text of errorBodies) expectNoLeak(text);
  });
});

// Faults (issue 12) that belong beside ../faults/breaker-shutdown-endpoints.test.ts, played against a running gateway: a token issuer's key set
// (JWKS URL) that is down, slow or answers garbage, and nations' agreements endpoints that are down, slow or answer
// garbage. Tokens of that issuer are refused with 401 within the key set's deadline (5 s), other issuers' accepted;
// a nation whose agreements cannot be read shares nothing.
describe("faults: a running gateway's key sets and agreements endpoints down, slow or answering garbage", () => {
  /** How GBR's key set answers now. */
  let jwks: (res: ServerResponse) => void = () => undefined;
  const servers: StreamingSubgraph[] = [];
  let fra: FakeSubgraph;
  let gateway: FaultGateway;
  /** A server that answers every request as `handle` says (the path is not read); its URL. */
  const serve = async (handle: (res: ServerResponse) => void) => {
    const server = await startStreamingSubgraph((_req, res) => handle(res));
    servers.push(server);
    return server.url;
  };

  beforeAll(async () => {
    const keySet = await serve((res) => jwks(res));
    const garbage = await serve((res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>"));
    const silent = await serve(() => undefined);
    fra = await startFakeSubgraph({ answer: { data: { fraReports: [{ id: "FR-1", title: "Shared?" }] } } });
    const keys = join(suiteFolder("tearline-fault-keys-"), "jwks.json");
    writeFileSync(keys, JSON.stringify({ keys: [] }));
    gateway = await startFaultGateway({
      subgraphs: { FRA: fra.url },
      // GBR's key set answers as each test says; FRA's is not there at all (nothing listens on the discard port).
      jwks: { GBR: keySet, FRA: "http://127.0.0.1:9/jwks.json" },
      env: {
        AGREEMENTS_POLL_MS: "1000",
        AGREEMENTS: JSON.stringify([
          { nation: "FRA", url: garbage, keys: { file: keys } },
          { nation: "DEU", url: "http://127.0.0.1:9/agreements", keys: { file: keys } },
          { nation: "EST", url: silent, keys: { file: keys } },
        ]),
      },
    });
  });
  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(faultGatewayLog().slice(-5000));
  });
  afterAll(async () => {
    await gateway?.gateway.stop(1000);
    await fra?.close();
    await Promise.all(servers.map((server) => server.close()));
  });

  const askAs = async (nation: "GBR" | "FRA" | "DEU", query = "{ fraReports(first: 1) { id title } }") => {
    const started = Date.now();
    const answer = await post(gateway.gateway.url, query, {}, await gateway.headers({ nation }));
    return { ...answer, ms: Date.now() - started };
  };
  const expectRefused = (answer: GraphQLResponse & { ms: number }, withinMs: number) => {
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(answer.ms).toBeLessThan(withinMs);
    expectNoLeak(answer.text);
  };

  it.each([
    ["answers an HTML page", (res: ServerResponse) => res.writeHead(200, { "content-type": "text/html" }).end("<html>502</html>")],
    ["answers a 500", (res: ServerResponse) => res.writeHead(500).end("Internal Server Error")],
    [
      "answers a key set of broken keys",
      (res: ServerResponse) =>
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ keys: [{ kty: "EC", crv: "P-256", x: "not-a-point", y: "!!", kid: "k" }, { kty: "OKP" }, "junk"] })),
    ],
    [
      "answers 10 MB",
      (res: ServerResponse) =>
        res.writeHead(200, { "content-type": "application/json" }).end(`{"keys":[],"pad":"${"x".repeat(10 * 1024 * 1024)}"}`),
    ],
  ])("refuses GBR's tokens with 401 at once while its key set %s, and accepts DEU's", async (_name, answer) => {
    jwks = answer;
    expectRefused(await askAs("GBR"), 3000);
    expect((await askAs("DEU")).status).toBe(200);
  });

  it("refuses GBR's tokens with 401 within the key set's deadline while it never answers, and DEU's are served meanwhile", async () => {
    jwks = () => undefined;
    const refused = askAs("GBR");
    const other = await askAs("DEU");
    expect(other.status).toBe(200);
    expect(other.ms).toBeLessThan(2000);
    expectRefused(await refused, 5000 + 3000);
  });

  it("refuses FRA's tokens with 401 at once while its key set is down", async () => {
    expectRefused(await askAs("FRA"), 3000);
  });

  it("shares nothing of a nation whose agreements endpoint answers garbage, is down or never answers: never fails open", async () => {
    const before = fra.requests();
    const answer = await askAs("DEU", "{ fraReports(first: 1) { id title } }");
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain("Shared?");
    expect(answer.body.errors?.map((e) => [e.extensions?.code, e.extensions?.reason])).toContainEqual(["FORBIDDEN_FIELD", "AGREEMENT"]);
    // FRA was never asked: the field was withheld before any fetch.
    expect(fra.requests()).toBe(before);
    // The gateway keeps answering at once while its agreement polls fail in the background.
    expect(answer.ms).toBeLessThan(2000);
  });
});
