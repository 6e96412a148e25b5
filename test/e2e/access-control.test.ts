import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument, ActorSummaryDocument, RecentReportingDocument } from "../../examples/analyst/__generated__/operations.js";
import { loadCoalitionsFile } from "../../lib/policy-files.js";
import { DEV_AUDIENCE, devIssuerId } from "../../scripts/idp/issuer-id.js";
import { loadOrCreateNationKey } from "../../scripts/idp/keys.js";
import type { ServiceProcess } from "../../scripts/stack/service-process.js";
import { post } from "../support/graphql-client.js";
import { type RecordingProxy, startRecordingProxy } from "../support/recording-proxy.js";
import { type Caller, FULLY_CLEARED, startExtraGateway, startTestStack, type TestStack } from "../support/test-stack.js";

const EST_RESTRICTED: Caller = { nation: "EST", clearance: "RESTRICTED", purposes: ["CYBER"] };
const GBR_SECRET: Caller = { nation: "GBR", clearance: "SECRET", purposes: ["CT"], compartments: ["ORCHID"] };
const ACTOR = { id: "TA-0003" };
const NATO = [...(loadCoalitionsFile().get("NATO") ?? [])];

type Errors = Array<{ path?: unknown[]; extensions?: Record<string, unknown> }>;
const forbidden = (errors: Errors | undefined) =>
  (errors ?? [])
    .filter((e) => e.extensions?.code === "FORBIDDEN_FIELD")
    .map((e) => `${(e.path ?? []).join(".")}:${String(e.extensions?.reason)}`);

describe("field-level access control, end to end with real tokens from two nations", () => {
  let stack: TestStack;
  const extras: ServiceProcess[] = [];
  const proxies: RecordingProxy[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await Promise.all([...extras.map((g) => g.stop()), ...proxies.map((p) => p.close())]);
    await stack?.stop();
  });

  describe("identity", () => {
    it("refuses a request without a token with 401, before the query is even parsed", async () => {
      const { status, body } = await post(stack.gateway.url, "{ this is not graphql");
      expect(status).toBe(401);
      expect(body.errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
      const unreadable = await fetch(stack.gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{ not json",
      });
      expect(unreadable.status).toBe(401);
      expect(unreadable.headers.get("www-authenticate")).toMatch(/^Bearer/);
    });

    it("refuses a token that claims France as issuer but is signed with Britain's key", async () => {
      const british = await loadOrCreateNationKey(stack.keysDir, "GBR");
      const now = Math.floor(Date.now() / 1000);
      const forged = await new SignJWT({ clearance: "TOP_SECRET", purposes: ["CT"], compartments: [], scope: "" })
        .setProtectedHeader({ alg: "ES256", kid: british.publicJwk.kid })
        .setIssuer(devIssuerId("FRA"))
        .setAudience(DEV_AUDIENCE)
        .setSubject("mallory")
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .setJti("forged-1")
        .sign(british.privateKey);
      const { status, text } = await post(stack.gateway.url, ActorDossierDocument, ACTOR, {
        authorization: `Bearer ${forged}`,
        "x-purpose": "CT",
      });
      expect(status).toBe(401);
      expect(text).not.toMatch(/signature|kid|issuer/i);
    });

    it("needs a declared purpose of use that the token authorises", async () => {
      const headers = await stack.headers(EST_RESTRICTED);
      const missing = await post(stack.gateway.url, ActorDossierDocument, ACTOR, { authorization: headers.authorization! });
      expect(missing.status).toBe(400);
      expect(missing.body.errors![0]!.extensions!.code).toBe("PURPOSE_REQUIRED");
      const other = await post(stack.gateway.url, ActorDossierDocument, ACTOR, { ...headers, "x-purpose": "CT" });
      expect(other.status).toBe(403);
      expect(other.body.errors![0]!.extensions!.code).toBe("PURPOSE_NOT_AUTHORISED");
    });
  });

  describe("allow, redact and reject", () => {
    it("allows everything to a cleared caller and marks the response with the banner of what came back", async () => {
      const { status, body } = await post(stack.gateway.url, ActorDossierDocument, ACTOR, await stack.headers(FULLY_CLEARED));
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect((body.data!.threatActor as Record<string, unknown>).assessment).not.toBeNull();
      expect(body.extensions!.classification).toMatchObject({
        level: "CONFIDENTIAL",
        banner: expect.stringMatching(/^CONFIDENTIAL\/\/REL TO /),
      });
    });

    it("redacts what a low-cleared partner may not see: null and FORBIDDEN_FIELD with the reason, the rest intact", async () => {
      const { status, body, text } = await post(stack.gateway.url, ActorDossierDocument, ACTOR, await stack.headers(EST_RESTRICTED));
      expect(status).toBe(200);
      const actor = body.data!.threatActor as Record<string, unknown>;
      expect(actor.name).toEqual(expect.any(String));
      expect((actor.indicators as unknown[]).length).toBeGreaterThan(0);
      expect(actor.assessment).toBeNull();
      expect(actor.watchlistEntry).toBeNull();
      expect(forbidden(body.errors as Errors).sort()).toEqual(["threatActor.assessment:CLEARANCE", "threatActor.watchlistEntry:CLEARANCE"]);
      // RESTRICTED, released to NATO by the fields' labels; some indicator records are released to fewer (their own
      // labels), which narrows the banner further, always to nations that include the caller's.
      const classification = body.extensions!.classification as { banner: string; level: string; releasableTo: string[] };
      expect(classification.level).toBe("RESTRICTED");
      expect(classification.releasableTo).toContain("EST");
      expect(classification.releasableTo.every((nation) => NATO.includes(nation))).toBe(true);
      expect(text).not.toMatch(/CONFIDENTIAL|watchlist:read|"EU"/); // no label values reach the client
    });

    it("rejects the whole operation with 403 when a denied field's label says REJECT", async () => {
      const query = `query ($id: ID!) { threatActor(id: $id) { name attributedState } }`;
      const { status, body } = await post(stack.gateway.url, query, ACTOR, await stack.headers(EST_RESTRICTED));
      expect(status).toBe(403);
      expect(body.errors![0]!.extensions).toMatchObject({
        code: "FORBIDDEN_OPERATION",
        deniedPaths: [{ path: ["threatActor", "attributedState"], reasons: expect.arrayContaining(["CLEARANCE", "RELEASABILITY"]) }],
      });
      const allowed = await post(stack.gateway.url, query, ACTOR, await stack.headers(GBR_SECRET));
      expect(allowed.status).toBe(200);
    });

    it("rejects any denial in mode: reject", async () => {
      const gateway = await startExtraGateway(stack, { ENFORCEMENT_MODE: "reject" });
      extras.push(gateway);
      const { status, body } = await post(gateway.url, ActorDossierDocument, ACTOR, await stack.headers(EST_RESTRICTED));
      expect(status).toBe(403);
      expect((body.errors![0]!.extensions!.deniedPaths as unknown[]).length).toBe(2);
      expect((await post(gateway.url, ActorDossierDocument, ACTOR, await stack.headers(FULLY_CLEARED))).status).toBe(200);
    });
  });

  describe("operations' view", () => {
    it("serves cache counts at GET /metrics only when METRICS is on, and no label, subject or query in them", async () => {
      expect((await fetch(new URL("/metrics", stack.gateway.url))).status).toBe(404);
      const gateway = await startExtraGateway(stack, { METRICS: "true", TOKEN_CACHE_SIZE: "1" });
      extras.push(gateway);
      const [a, b] = [await stack.headers(FULLY_CLEARED), await stack.headers(GBR_SECRET)];
      // a, a, b, a through a one-token cache: a miss, a hit, a miss (b evicts a), a miss.
      for (const headers of [a, a, b, a]) expect((await post(gateway.url, ActorSummaryDocument, ACTOR, headers)).status).toBe(200);
      const page = await fetch(new URL("/metrics", gateway.url));
      expect(page.headers.get("content-type")).toMatch(/^text\/plain; version=0.0.4/);
      const text = await page.text();
      const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\d+)$`, "m"))?.[1]);
      expect([value("tearline_token_cache_hits_total"), value("tearline_token_cache_misses_total")]).toEqual([1, 3]);
      // Plans are per caller: the second caller missed once; the first hit every time after its first.
      expect([value("tearline_plan_cache_hits_total"), value("tearline_plan_cache_misses_total")]).toEqual([2, 2]);
      expect(text).not.toMatch(/GBR|SECRET|ORCHID|threatActor|analyst/);
    });
  });

  describe("the shapes an operation can take", () => {
    it("decides on the field behind an alias", async () => {
      const query = `query ($id: ID!) { threatActor(id: $id) { n: name harmless: assessment { threatLevel } } }`;
      const { body } = await post(stack.gateway.url, query, ACTOR, await stack.headers(EST_RESTRICTED));
      expect(body.data).toEqual({ threatActor: { n: expect.any(String), harmless: null } });
      expect(forbidden(body.errors as Errors)).toEqual(["threatActor.harmless:CLEARANCE"]);
    });

    it("decides a named fragment on an interface at each place it is used", async () => {
      const { body } = await post(stack.gateway.url, RecentReportingDocument, { first: 2 }, await stack.headers(EST_RESTRICTED));
      const data = body.data as Record<string, Array<Record<string, unknown>> | null>;
      expect(data.gbrReports).toBeNull(); // GBR releases its reports to FVEY, FRA and DEU only
      expect(data.estReports).toHaveLength(2);
      expect(data.estReports![0]!.title).toEqual(expect.any(String));
      const paths = forbidden(body.errors as Errors);
      expect(paths).toContain("gbrReports:CLEARANCE");
      expect(paths).toContain("estReports.0.actor.assessment:CLEARANCE");
    });

    it("applies the implementation's rule to a field selected on the interface", async () => {
      const query = `{ estReports(first: 1) { ... on Report { title body } } }`;
      const cyber = await post(
        stack.gateway.url,
        query,
        {},
        await stack.headers({ nation: "GBR", clearance: "CONFIDENTIAL", purposes: ["CYBER"] }),
      );
      expect(cyber.body.errors).toBeUndefined();
      const ct = await post(
        stack.gateway.url,
        query,
        {},
        await stack.headers({ nation: "GBR", clearance: "CONFIDENTIAL", purposes: ["CT"] }),
      );
      expect(forbidden(ct.body.errors as Errors)).toEqual(["estReports.0.body:PURPOSE"]);
    });

    it("reports a denied field only when @skip/@include keeps it in", async () => {
      const query = `query ($id: ID!, $skip: Boolean!) { threatActor(id: $id) { name assessment @skip(if: $skip) { threatLevel } } }`;
      const headers = await stack.headers(EST_RESTRICTED);
      const skipped = await post(stack.gateway.url, query, { ...ACTOR, skip: true }, headers);
      expect(skipped.body.errors).toBeUndefined();
      expect(skipped.body.data).toEqual({ threatActor: { name: expect.any(String) } });
      const kept = await post(stack.gateway.url, query, { ...ACTOR, skip: false }, headers);
      expect(forbidden(kept.body.errors as Errors)).toEqual(["threatActor.assessment:CLEARANCE"]);
    });

    it("answers __typename and entity keys, and joins subgraphs on the key without showing it", async () => {
      const query = `query ($id: ID!) { threatActor(id: $id) { __typename id indicators(first: 1) { value } } }`;
      const { body } = await post(stack.gateway.url, query, ACTOR, await stack.headers(EST_RESTRICTED));
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual({ threatActor: { __typename: "ThreatActor", id: "TA-0003", indicators: [{ value: expect.any(String) }] } });
    });
  });

  describe("what reaches the subgraphs", () => {
    it("never sends a denied field, or a denied entity hop, to a subgraph", async () => {
      const gbr = await startRecordingProxy(stack.subgraphs.GBR.url);
      const fra = await startRecordingProxy(stack.subgraphs.FRA.url);
      proxies.push(gbr, fra);
      const gateway = await startExtraGateway(stack, { SUBGRAPH_URL_GBR: gbr.url, SUBGRAPH_URL_FRA: fra.url });
      extras.push(gateway);
      const query = `query ($id: ID!) {
        threatActor(id: $id) { name assessment { threatLevel judgement } gbrReports(first: 2) { title body } }
        estReports(first: 3) { title actor { name } }
      }`;

      // Control: a caller cleared for all of it makes the gateway ask for every field.
      await post(gateway.url, query, ACTOR, await stack.headers({ ...GBR_SECRET, purposes: ["CT"] }));
      const controlText = [...gbr.requests, ...fra.requests].map((r) => r.query).join("\n");
      expect(controlText).toMatch(/judgement/);
      expect(controlText).toMatch(/body/);

      gbr.requests.length = 0;
      fra.requests.length = 0;
      const { body } = await post(
        gateway.url,
        query,
        ACTOR,
        await stack.headers({ nation: "EST", clearance: "CONFIDENTIAL", purposes: ["CYBER"] }),
      );
      expect(body.data!.threatActor).toMatchObject({
        name: expect.any(String),
        assessment: { threatLevel: expect.any(String), judgement: null },
        gbrReports: null,
      });
      const sent = [...gbr.requests, ...fra.requests].map((r) => r.query).join("\n");
      expect(sent).not.toMatch(/judgement/);
      expect(sent).not.toMatch(/gbrReports|body/);
      expect(sent).toMatch(/threatLevel/);
    });

    it("gives two callers with different clearances, sending the same query at once, each their own result", async () => {
      const high = await stack.headers(FULLY_CLEARED);
      const low = await stack.headers(EST_RESTRICTED);
      const responses = await Promise.all(
        Array.from({ length: 16 }, (_, i) => post(stack.gateway.url, ActorDossierDocument, ACTOR, i % 2 === 0 ? high : low)),
      );
      responses.forEach((response, i) => {
        const assessment = (response.body.data!.threatActor as Record<string, unknown>).assessment;
        if (i % 2 === 0) expect(assessment).not.toBeNull();
        else expect(assessment).toBeNull();
      });
    });
  });
});
