import { copyFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActorDossierDocument, RecentReportingDocument } from "../../examples/analyst/__generated__/operations.js";
import { composeNations } from "../../schema/composition.js";
import type { ServiceProcess } from "../../scripts/stack/service-process.js";
import { post } from "../support/graphql-client.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { FULLY_CLEARED, serviceLog, startExtraGateway, startTestStack, type TestStack } from "../support/test-stack.js";

// Folders a gateway reads until afterAll stops it: removed once every block is over.
const temporary = temporaryFolders("all");

const SUPERGRAPH = fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url));

describe("the federated stack, end to end on loopback", () => {
  let stack: TestStack;
  let auth: Record<string, string>;
  const extras: ServiceProcess[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    auth = await stack.headers(FULLY_CLEARED);
  });
  afterAll(async () => {
    await Promise.all(extras.map((gateway) => gateway.stop()));
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await stack?.stop();
  });

  it("answers one analyst query with data from all four nations", async () => {
    const { status, body } = await post(stack.gateway.url, ActorDossierDocument, { id: "TA-0003" }, auth);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const actor = body.data!.threatActor as Record<string, unknown>;
    expect(actor.name).toEqual(expect.any(String)); // GBR
    expect(actor.assessment).toMatchObject({ threatLevel: expect.any(String) }); // FRA
    expect(actor.watchlistEntry).toMatch(/^DEU-WL:/); // DEU, through @requires on GBR's name
    expect(actor.sightings).toEqual([{ observedAt: "2024-10-19T17:38:41.000Z", country: "NOR", sector: "DEFENCE" }]); // DEU: its one sighting
    expect((actor.indicators as unknown[]).length).toBeGreaterThan(0); // EST
  });

  it("resolves each nation's reports and the registry actor behind them", async () => {
    const { body } = await post(stack.gateway.url, RecentReportingDocument, { first: 2 }, auth);
    expect(body.errors).toBeUndefined();
    const originators = new Set<string>();
    const withActor: Array<{ actor: { name: string } | null }> = [];
    for (const list of ["gbrReports", "fraReports", "deuReports", "estReports"]) {
      const reports = body.data![list] as Array<{ originator: string; admiralty: string; actor: { name: string } | null }>;
      expect(reports).toHaveLength(2);
      for (const report of reports) {
        originators.add(report.originator);
        expect(report.admiralty).toMatch(/^[A-F][1-6]$/);
      }
      withActor.push(...reports.filter((report) => report.actor !== null));
    }
    expect([...originators].sort()).toEqual(["DEU", "EST", "FRA", "GBR"]);
    // Reports about an actor carry the registry's name for it, resolved from GBR whichever nation wrote them.
    expect(withActor.length).toBeGreaterThan(0);
    expect(withActor.map((report) => typeof report.actor?.name)).toEqual(withActor.map(() => "string"));
  });

  it("refuses bad input with a status and a code, and gives away no schema details", async () => {
    const badJson = await fetch(stack.gateway.url, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: "{" });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe("BAD_REQUEST");

    const typo = await post(stack.gateway.url, '{ threatActor(id: "TA-0001") { nam } }', {}, auth);
    expect(typo.status).toBe(400);
    expect(typo.body.errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(typo.text).not.toContain("Did you mean");

    const introspection = await post(stack.gateway.url, "{ __schema { types { name } } }", {}, auth);
    expect(introspection.status).toBe(400);
    expect(introspection.text).not.toContain("ThreatActor");
  });

  it("gives partial data and one sanitised error when a subgraph is too slow, within the configured timeout", async () => {
    // A subgraph that accepts connections and never answers.
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;
    // The deadline applies to every subgraph: tight enough to prove the cut-off, loose enough for a busy machine.
    const gateway = await startExtraGateway(stack, { SUBGRAPH_URL_FRA: silentUrl, SUBGRAPH_TIMEOUT_MS: "1500" });
    extras.push(gateway);

    const started = Date.now();
    const { status, body, text } = await post(gateway.url, ActorDossierDocument, { id: "TA-0003" }, auth);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(status).toBe(200);
    const actor = body.data!.threatActor as Record<string, unknown>;
    expect(actor.name).toEqual(expect.any(String));
    expect(actor.assessment).toBeNull();
    expect((actor.indicators as unknown[]).length).toBeGreaterThan(0);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: "SUBGRAPH_TIMEOUT", subgraph: "FRA" });
    expect(text).not.toContain(silentUrl);
    expect(text).not.toContain("127.0.0.1");
  });

  it("reloads a changed supergraph file without a restart and without failing requests in flight", async () => {
    const dir = temporary("tearline-supergraph-");
    const path = join(dir, "supergraph.graphql");
    copyFileSync(SUPERGRAPH, path);
    // 20 requests in flight from one caller, past its default 16 (test/security/denial-of-service/bounded-cost.test.ts).
    const gateway = await startExtraGateway(stack, { SUPERGRAPH_PATH: path, MAX_IN_FLIGHT_PER_SUBJECT: "20" });
    extras.push(gateway);
    const estQuery = "{ indicators(first: 1) { value } }";
    expect((await post(gateway.url, estQuery, {}, auth)).body.errors).toBeUndefined();

    // The new supergraph no longer has Estonia in it.
    const withoutEstonia = composeNations(["GBR", "FRA", "DEU"]);
    if (!withoutEstonia.ok) throw new Error("composition failed");
    // Valid in both supergraphs, so that each in-flight request must succeed whichever it meets.
    const inBoth = '{ threatActor(id: "TA-0003") { name assessment { threatLevel } sightings { country } } }';
    const inFlight = Array.from({ length: 20 }, () => post(gateway.url, inBoth, {}, auth));
    writeFileSync(path, withoutEstonia.supergraphSdl);
    const results = await Promise.all(inFlight);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect((result.body.data!.threatActor as { name: string }).name).toEqual(expect.any(String));
    }

    let after = await post(gateway.url, estQuery, {}, auth);
    for (let i = 0; i < 50 && after.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await post(gateway.url, estQuery, {}, auth);
    }
    expect(after.status).toBe(400);
    expect(after.body.errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");

    // A broken file is refused and the running supergraph stays: wait until the gateway has read it.
    writeFileSync(path, "this is not a supergraph");
    for (let i = 0; i < 100 && !serviceLog().includes("supergraph refused, keeping the running one"); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const still = await post(gateway.url, inBoth, {}, auth);
    expect(still.status).toBe(200);
    expect(still.body.data!.threatActor).toMatchObject({ name: expect.any(String), assessment: { threatLevel: expect.any(String) } });
    expect(serviceLog()).toContain("supergraph refused, keeping the running one");
  });

  it("keeps serving the other nations' data, plus one sanitised error, when a nation's subgraph is down", async () => {
    // A port nothing listens on: a subgraph that is gone. Its own gateway, so no other test depends on the order.
    const gone = createServer();
    const port = await new Promise<number>((resolve) => gone.listen(0, "127.0.0.1", () => resolve((gone.address() as AddressInfo).port)));
    await new Promise((resolve) => gone.close(resolve));
    const gateway = await startExtraGateway(stack, { SUBGRAPH_URL_EST: `http://127.0.0.1:${port}/graphql` });
    extras.push(gateway);
    const { status, body, text } = await post(gateway.url, ActorDossierDocument, { id: "TA-0003" }, auth);
    expect(status).toBe(200);
    const actor = body.data!.threatActor as Record<string, unknown>;
    expect(actor.name).toEqual(expect.any(String));
    expect(actor.assessment).not.toBeNull();
    expect(actor.watchlistEntry).toMatch(/^DEU-WL:/);
    expect(actor.indicators).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ extensions: { code: "SUBGRAPH_UNAVAILABLE", subgraph: "EST" } });
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:\/\//);

    const again = await post(gateway.url, "{ threatActors(first: 2) { name } }", {}, auth);
    expect(again.status).toBe(200);
    expect(again.body.data!.threatActors).toHaveLength(2);
  });
});
