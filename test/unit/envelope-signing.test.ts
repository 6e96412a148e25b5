import { createPublicKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { join } from "node:path";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../gateway/auth/principal.js";
import { EnvelopeSigner } from "../../gateway/fetch/envelope-signer.js";
import { SubgraphDataSource } from "../../gateway/fetch/subgraph-data-source.js";
import type { RequestContext } from "../../gateway/pipeline/context.js";
import { ENVELOPE_HEADER, openEnvelope, ReplayCache, verifyEnvelope } from "../../lib/access-envelope.js";
import { envelopeSigningKeyOf, generateEnvelopeJwk } from "../../lib/envelope-key.js";
import { listen } from "../../lib/http-server.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const temporary = temporaryFolders();

const PRINCIPAL: Principal = {
  nation: "GBR",
  sub: "analyst@gbr",
  issuer: "https://idp.gbr",
  tokenId: "t-1",
  clearance: "SECRET",
  compartments: new Set(["ORCHID"]),
  scopes: new Set(["reports:read"]),
  purposes: new Set(["CT", "CYBER"]),
  purpose: "CT",
  expiresAt: 0,
};

/** A signer over a key file of its own, with a clock the test moves. */
function signerFixture() {
  let now = Date.now();
  const jwk = generateEnvelopeJwk();
  const file = join(temporary("tearline-signer-"), "private.jwk.json");
  writeFileSync(file, JSON.stringify(jwk));
  const signer = new EnvelopeSigner(file, envelopeSigningKeyOf(JSON.stringify(jwk)), () => now);
  return { signer, file, jwk, advance: (ms: number) => (now += ms) };
}

const request = { subject: { ...PRINCIPAL, compartments: ["ORCHID"], scopes: [] }, audience: "FRA", requestId: "r", query: "{ a }" };

describe("the gateway's envelope signer", () => {
  it("signs with a rotated key file within a second, without a restart, and signs on with its key while the file is broken", async () => {
    const { signer, file, jwk, advance } = signerFixture();
    expect(openEnvelope(await signer.sign(request)).kid).toBe(jwk.kid);
    const next = generateEnvelopeJwk();
    writeFileSync(file, JSON.stringify(next));
    advance(500);
    expect(openEnvelope(await signer.sign(request)).kid).toBe(jwk.kid);
    advance(500);
    expect(openEnvelope(await signer.sign(request)).kid).toBe(next.kid);
    writeFileSync(file, "{ not a key");
    advance(1000);
    expect(openEnvelope(await signer.sign(request)).kid).toBe(next.kid);
    expect(signer.kid).toBe(next.kid);
  });
});

describe("the data source: one envelope per subgraph request", () => {
  let server: Server;
  let url: string;
  const received: Array<{ headers: IncomingHttpHeaders; body: { query: string; variables?: Record<string, unknown> } }> = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"ok":true}}');
    });
    url = `http://127.0.0.1:${await listen(server, "127.0.0.1", 0)}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = async (source: SubgraphDataSource, kind: string, headers: Array<[string, string]>) => {
    received.length = 0;
    const context = { principal: PRINCIPAL, requestId: "req-42" } as RequestContext;
    await source.process({
      kind,
      request: { query: "query ($id: ID!) { threatActor(id: $id) { name } }", variables: { id: "TA-0003" }, http: { headers } },
      incomingRequestContext: {},
      context,
    } as unknown as GraphQLDataSourceProcessOptions<RequestContext>);
    return received[0]!;
  };

  it("signs what it sends, for that subgraph's nation, as the verified principal; the analyst's credentials stay behind", async () => {
    const { signer, jwk } = signerFixture();
    const source = new SubgraphDataSource({ name: "FRA", url, timeoutMs: 2000, signer });
    const sent = await send(source, "incoming operation", [
      ["authorization", "Bearer the-analysts-token"],
      ["x-purpose", "CT"],
      [ENVELOPE_HEADER, "an-envelope-from-elsewhere"],
    ]);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers["x-purpose"]).toBeUndefined();
    const claims = verifyEnvelope(sent.headers[ENVELOPE_HEADER] as string, {
      audience: "FRA",
      keyFor: (kid) => (kid === jwk.kid ? createPublicKey(envelopeSigningKeyOf(JSON.stringify(jwk)).privateKey) : undefined),
      replays: new ReplayCache(),
      // What reached the subgraph, byte for byte as it parsed it: the digest covers exactly that.
      query: sent.body.query,
      variables: sent.body.variables,
      now: Date.now(),
    });
    expect(claims).toMatchObject({
      aud: "FRA",
      rid: "req-42",
      nation: "GBR",
      sub: "analyst@gbr",
      clearance: "SECRET",
      compartments: ["ORCHID"],
      scopes: ["reports:read"],
      purpose: "CT",
    });
  });

  it("signs each request anew (a new jti), and nothing that is not a caller's operation", async () => {
    const { signer } = signerFixture();
    const source = new SubgraphDataSource({ name: "FRA", url, timeoutMs: 2000, signer });
    const jtiOf = (headers: IncomingHttpHeaders) =>
      JSON.parse(Buffer.from(String(headers[ENVELOPE_HEADER]).split(".")[1]!, "base64url").toString()).jti;
    const first = await send(source, "incoming operation", []);
    const second = await send(source, "incoming operation", []);
    expect(jtiOf(first.headers)).not.toBe(jtiOf(second.headers));
    const check = await send(source, "health check", [["authorization", "Bearer x"]]);
    expect(check.headers[ENVELOPE_HEADER]).toBeUndefined();
    expect(check.headers.authorization).toBeUndefined();
  });

  it("without a signer (SUBGRAPH_ENVELOPES=off) sends no envelope, and still keeps the analyst's credentials behind", async () => {
    const source = new SubgraphDataSource({ name: "FRA", url, timeoutMs: 2000, signer: undefined });
    const sent = await send(source, "incoming operation", [
      ["authorization", "Bearer the-analysts-token"],
      [ENVELOPE_HEADER, "an-envelope-from-elsewhere"],
    ]);
    expect(sent.headers[ENVELOPE_HEADER]).toBeUndefined();
    expect(sent.headers.authorization).toBeUndefined();
  });
});
