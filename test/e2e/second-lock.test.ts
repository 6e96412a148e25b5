import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CLASSIFICATIONS, type Classification } from "@tearline/policy";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAgreementDocument } from "../../lib/agreement-jws.js";
import type { ServiceProcess } from "../../scripts/stack/service-process.js";
import { agreementCommand } from "../support/agreement-command.js";
import { documentOf } from "../support/agreements-fixture.js";
import { post } from "../support/graphql-client.js";
import { temporaryFolders } from "../support/temporary-folders.js";
import { type Caller, startExtraGateway, startTestStack, type TestStack } from "../support/test-stack.js";

// Folders a gateway reads until afterAll stops it: removed once every block is over.
const temporary = temporaryFolders("all");

// A nation trusts the gateway no further than it must: its own subgraph applies its own agreements again.

const GBR_ANALYST: Caller = { nation: "GBR", clearance: "SECRET", purposes: ["CT"] };
const QUERY = `query ($id: ID!) { threatActor(id: $id) { name assessment { threatLevel judgement } } }`;
const ACTOR = { id: "TA-0003" };

type Answer = {
  data?: { threatActor?: { name: string; assessment: unknown } | null };
  errors?: Array<{ path?: unknown[]; extensions?: Record<string, unknown> }>;
};
const withheld = (body: Answer) =>
  (body.errors ?? [])
    .filter((e) => e.extensions?.code === "FORBIDDEN_FIELD")
    .map((e) => `${(e.path ?? []).join(".")}:${String(e.extensions?.reason)}`);

describe("a nation's second lock, end to end", () => {
  let stack: TestStack;
  let permissive: Server;
  const extras: ServiceProcess[] = [];
  const ask = async (gateway: string): Promise<Answer> => {
    const { status, body } = await post(gateway, QUERY, ACTOR, await stack.headers(GBR_ANALYST));
    expect(status).toBe(200);
    return body as Answer;
  };

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await Promise.all(extras.map((gateway) => gateway.stop()));
    await new Promise<void>((resolve) => (permissive ? permissive.close(() => resolve()) : resolve()));
    await stack?.stop();
  });

  it("holds a nation's own pause even when the gateway is told to ignore it", async () => {
    // A gateway misled into trusting a permissive "FRA" document signed with a key that is not FRA's own
    // (a misconfigured or subverted gateway): it releases FRA's assessment to GBR and asks FRA's subgraph for it.
    const folder = temporary("tearline-misled-");
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: "EdDSA", use: "sig" };
    const kid = await calculateJwkThumbprint(jwk);
    writeFileSync(join(folder, "jwks.json"), JSON.stringify({ keys: [{ ...jwk, kid }] }));
    const document = await signAgreementDocument(
      documentOf("FRA", { GBR: { expires: Date.now() + 86_400_000 } }, 1_000_000),
      privateKey,
      kid,
    );
    permissive = createServer((_req, res) => res.writeHead(200, { "content-type": "application/jose" }).end(document));
    await new Promise<void>((resolve) => permissive.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(permissive.address() as AddressInfo).port}/agreements`;
    const agreements = (JSON.parse(stack.gatewayEnv.AGREEMENTS!) as Array<{ nation: string }>).map((source) =>
      source.nation === "FRA" ? { nation: "FRA", url, keys: { file: join(folder, "jwks.json") } } : source,
    );
    const misled = await startExtraGateway(stack, {
      AGREEMENTS: JSON.stringify(agreements),
      AGREEMENTS_POLL_MS: "200",
      AGREEMENTS_FLOOR_FILE: join(folder, "floors.json"),
    });
    extras.push(misled);
    expect(withheld(await ask(misled.url))).toEqual([]);

    // FRA's operator pauses GBR. The honest gateway withholds without asking FRA; the misled one still asks...
    await agreementCommand(stack, "FRA", "pause", "GBR");
    const deadline = Date.now() + 10_000;
    while (withheld(await ask(stack.gateway.url)).join() !== "threatActor.assessment:AGREEMENT") {
      if (Date.now() > deadline) throw new Error("the honest gateway never saw the pause");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // ...and FRA's own subgraph refuses it (it reads FRA's file every 0.5 s).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answer = await ask(misled.url);
    expect(answer.data?.threatActor?.name).toEqual(expect.any(String));
    expect(answer.data?.threatActor?.assessment ?? null).toBeNull();
    // The refusal is FRA's, not the gateway's: the entity load itself was refused (its key is not released to GBR now).
    expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.subgraph, e.extensions?.reasons])).toEqual([
      ["SUBGRAPH_ERROR", "FRA", ["AGREEMENT"]],
    ]);
    expect(JSON.stringify(answer)).not.toMatch(/threatLevel|judgement/);

    await agreementCommand(stack, "FRA", "resume", "GBR");
  });

  it("raises the banner to the labels of the records returned, and hides records above the caller", async () => {
    const reports = "query ($offset: Int!) { fraReports(first: 100, offset: $offset) { id title } }";
    // Every report the caller may read, page by page, and the highest banner of the pages.
    const read = async (caller: Caller) => {
      const ids: string[] = [];
      let level = "UNCLASSIFIED";
      for (let offset = 0; ; offset += 100) {
        const { body } = await post(stack.gateway.url, reports, { offset }, await stack.headers(caller));
        const answer = body as { data: { fraReports: { id: string }[] }; extensions: { classification: { level: string } } };
        ids.push(...answer.data.fraReports.map((r) => r.id));
        if (
          CLASSIFICATIONS.indexOf(answer.extensions.classification.level as Classification) >
          CLASSIFICATIONS.indexOf(level as Classification)
        )
          level = answer.extensions.classification.level;
        if (answer.data.fraReports.length < 100) return { ids, level };
      }
    };
    // FRA's reports are labelled CONFIDENTIAL as a field; some records are SECRET or above in their own right.
    const cleared = await read({ nation: "DEU", clearance: "TOP_SECRET", purposes: ["CT"] });
    const confidential = await read({ nation: "DEU", clearance: "CONFIDENTIAL", purposes: ["CT"] });
    expect(["SECRET", "TOP_SECRET"]).toContain(cleared.level);
    expect(confidential.level).toBe("CONFIDENTIAL");
    // The database, not a resolver filter, leaves the SECRET records out for the CONFIDENTIAL caller.
    expect(confidential.ids.length).toBeGreaterThan(0);
    expect(confidential.ids.length).toBeLessThan(cleared.ids.length);
    expect(confidential.ids.every((id) => cleared.ids.includes(id))).toBe(true);
  });
});
