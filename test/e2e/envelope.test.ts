import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument } from "../../examples/analyst/__generated__/operations.js";
import { ENVELOPE_HEADER, type EnvelopeSubject, signEnvelope } from "../../lib/access-envelope.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf, generateEnvelopeJwk } from "../../lib/envelope-key.js";
import { gatewayPrivateKeyPath } from "../../scripts/gateway-key/keys.js";
import type { ServiceProcess } from "../../scripts/stack/service-process.js";
import { REFUSED_MESSAGE } from "../../subgraphs/shared/envelope-guard.js";
import { post } from "../support/graphql-client.js";
import { type RecordingProxy, startRecordingProxy } from "../support/recording-proxy.js";
import { FULLY_CLEARED, startExtraGateway, startTestStack, type TestStack } from "../support/test-stack.js";

// What a French analyst cleared for everything France holds would be vouched for as.
const FRENCH: EnvelopeSubject = {
  nation: "FRA",
  sub: "analyste@fra",
  clearance: "TOP_SECRET",
  compartments: ["ORCHID", "HARBOR"],
  scopes: ["watchlist:read"],
  purpose: "CT",
};
const REPORTS = { query: "query ($first: Int) { fraReports(first: $first) { id title } }", variables: { first: 2 } };
const ENTITIES = {
  query: "query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ThreatActor { id } } }",
  variables: { representations: [{ __typename: "ThreatActor", id: "TA-0003" }] },
};
const SERVICE = { query: "{ _service { sdl } }" };

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

describe("the envelope: every subgraph answers only what the gateway vouches for", () => {
  let stack: TestStack;
  let gatewayKey: EnvelopeSigningKey;
  const extras: ServiceProcess[] = [];
  const proxies: RecordingProxy[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    gatewayKey = envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(stack.keysDir), "utf8"));
  });
  afterAll(async () => {
    await Promise.all([...extras.map((g) => g.stop()), ...proxies.map((p) => p.close())]);
    await stack?.stop();
  });

  /** An envelope as the gateway signs one; each option plays a different attacker. */
  const envelope = (
    operation: Operation,
    options: { audience?: string; now?: number; key?: EnvelopeSigningKey; subject?: EnvelopeSubject } = {},
  ) => {
    const key = options.key ?? gatewayKey;
    const request = {
      ...operation,
      subject: options.subject ?? FRENCH,
      audience: options.audience ?? "FRA",
      requestId: "e2e",
      now: options.now ?? Date.now(),
    };
    return signEnvelope(request, key.privateKey, key.kid);
  };
  /** A request straight to France's subgraph, past the gateway. */
  const direct = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(stack.subgraphs.FRA.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Array<Record<string, unknown>> } };
  };
  const withEnvelope = (token: string) => ({ [ENVELOPE_HEADER]: token });
  const expectRefused = (response: Awaited<ReturnType<typeof direct>>) => {
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
    // One answer for every refusal: a prober learns nothing of why.
    expect(response.body.errors).toEqual([{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }]);
  };

  it("answers a request with a correctly signed envelope, once: a replay is refused", async () => {
    const token = envelope(REPORTS);
    const honest = await direct(REPORTS, withEnvelope(token));
    expect(honest.status).toBe(200);
    expect(honest.body.errors).toBeUndefined();
    expect((honest.body.data as { fraReports: unknown[] }).fraReports).toEqual(expect.any(Array));
    expectRefused(await direct(REPORTS, withEnvelope(token)));
  });

  it("refuses, behind a valid envelope, what the nation's own labels withhold: a compromised gateway gets nothing of it", async () => {
    // An Estonian analyst cleared RESTRICTED: FRA's assessment is CONFIDENTIAL, and the gateway would never ask for it.
    const estonian: EnvelopeSubject = {
      nation: "EST",
      sub: "analyst@est",
      clearance: "RESTRICTED",
      compartments: [],
      scopes: [],
      purpose: "CYBER",
    };
    const assessment = {
      query: "query ($r: [_Any!]!) { _entities(representations: $r) { ... on ThreatActor { id assessment { threatLevel judgement } } } }",
      variables: { r: [{ __typename: "ThreatActor", id: "TA-0003" }] },
    };
    const answer = await direct(assessment, withEnvelope(envelope(assessment, { subject: estonian })));
    expect(answer.status).toBe(200);
    expect(answer.body.data).toEqual({ _entities: [{ id: "TA-0003", assessment: null }] });
    expect(answer.body.errors?.map((e) => (e.extensions as Record<string, unknown>).reasons)).toEqual([["CLEARANCE"]]);
    // `_service` is not the nation's to give, even to a caller the gateway vouches for.
    const service = await direct(SERVICE, withEnvelope(envelope(SERVICE)));
    expect(service.body.data ?? null).toBeNull();
    expect(service.body.errors?.map((e) => (e.extensions as Record<string, unknown>).code)).toEqual(["FORBIDDEN_FIELD"]);
    expect(JSON.stringify(service.body)).not.toMatch(/@label|type Query/);
  });

  it("refuses a request without an envelope, `_service` and `_entities` included", async () => {
    for (const operation of [REPORTS, SERVICE, ENTITIES]) expectRefused(await direct(operation));
    // The same operations with an envelope: the refusal above is the envelope's, not the operation's.
    expect((await direct(ENTITIES, withEnvelope(envelope(ENTITIES)))).status).toBe(200);
  });

  it("refuses an analyst's own token sent straight to a subgraph, as Authorization or as the envelope", async () => {
    const { authorization } = await stack.headers(FULLY_CLEARED);
    expectRefused(await direct(REPORTS, { authorization: authorization! }));
    expectRefused(await direct(REPORTS, withEnvelope(authorization!.replace(/^Bearer /, ""))));
  });

  it("refuses an expired envelope, one meant for another nation, and one signed by another key", async () => {
    expectRefused(await direct(REPORTS, withEnvelope(envelope(REPORTS, { now: Date.now() - 120_000 }))));
    expectRefused(await direct(REPORTS, withEnvelope(envelope(REPORTS, { audience: "DEU" }))));
    const impostor = envelopeSigningKeyOf(JSON.stringify(generateEnvelopeJwk()));
    expectRefused(await direct(REPORTS, withEnvelope(envelope(REPORTS, { key: impostor }))));
    expectRefused(await direct(REPORTS, withEnvelope(envelope(REPORTS, { key: { ...impostor, kid: gatewayKey.kid } }))));
  });

  it("refuses an envelope sent with an edited query or edited variables", async () => {
    const edited = { ...REPORTS, query: REPORTS.query.replace("title", "title summary") };
    expectRefused(await direct(edited, withEnvelope(envelope(REPORTS))));
    expectRefused(await direct({ ...REPORTS, variables: { first: 50 } }, withEnvelope(envelope(REPORTS))));
    // _entities with another entity than the one vouched for.
    const other = { ...ENTITIES, variables: { representations: [{ __typename: "ThreatActor", id: "TA-0001" }] } };
    expectRefused(await direct(other, withEnvelope(envelope(ENTITIES))));
  });

  it("refuses a batch, or a body that is not JSON, even with a good envelope", async () => {
    expectRefused(await direct([REPORTS], withEnvelope(envelope(REPORTS))));
    expectRefused(await direct("query=1", { ...withEnvelope(envelope(REPORTS)), "content-type": "text/plain" }));
  });

  it("keeps the nation's signed agreements public: the gateway polls them without an envelope", async () => {
    const response = await fetch(new URL("/agreements", stack.subgraphs.FRA.url));
    expect(response.status).toBe(200);
  });

  it("serves analysts through the gateway as before: each subgraph request carries an envelope, never the analyst's token", async () => {
    const fra = await startRecordingProxy(stack.subgraphs.FRA.url);
    proxies.push(fra);
    const gateway = await startExtraGateway(stack, { SUBGRAPH_URL_FRA: fra.url });
    extras.push(gateway);
    const { status, body } = await post(gateway.url, ActorDossierDocument, { id: "TA-0003" }, await stack.headers(FULLY_CLEARED));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((body.data!.threatActor as { assessment: unknown }).assessment).not.toBeNull();
    expect(fra.headers.length).toBeGreaterThan(0);
    for (const headers of fra.headers) {
      expect(headers.authorization).toBeUndefined();
      expect(headers[ENVELOPE_HEADER]).toEqual(expect.any(String));
    }
  });

  it("follows a rotation of the gateway key (npm run gateway-key -- rotate) without restarting anything", async () => {
    const before = gatewayKey;
    const rotated = spawnSync(process.execPath, ["--import", "tsx", "scripts/gateway-key/main.ts", "rotate", "--wait", "2"], {
      env: { ...process.env, KEYS_DIR: stack.keysDir },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(rotated.status, rotated.stderr).toBe(0);
    const after = envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(stack.keysDir), "utf8"));
    expect(after.kid).not.toBe(before.kid);
    // The subgraph re-reads the JWKS within a second; the gateway its key file within a second.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { status, body } = await post(stack.gateway.url, ActorDossierDocument, { id: "TA-0003" }, await stack.headers(FULLY_CLEARED));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((await direct(REPORTS, withEnvelope(envelope(REPORTS, { key: after })))).status).toBe(200);
    expectRefused(await direct(REPORTS, withEnvelope(envelope(REPORTS, { key: before }))));
    gatewayKey = after;
  });
});
