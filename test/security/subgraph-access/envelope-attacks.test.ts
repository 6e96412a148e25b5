import { createHash, createHmac, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_HEADER, signEnvelope } from "../../../lib/access-envelope.js";
import { type EnvelopeSigningKey, envelopeSigningKeyOf } from "../../../lib/envelope-key.js";
import { gatewayPrivateKeyPath } from "../../../scripts/gateway-key/keys.js";
import { REFUSED_MESSAGE } from "../../../subgraphs/shared/envelope-guard.js";
import { envelopeSubject } from "../../support/envelope-subject.js";
import { type RawReply, rawRequest } from "../../support/raw-request.js";
import { startTestStack, type TestStack } from "../../support/test-stack.js";

// Threat model (a): an attacker who reaches a nation's subgraph port directly, with nothing, with an analyst's token,
// or with an envelope observed on the wire. Every test asserts the secure behaviour. All of them hold today except
// "refuses a request without an envelope before reading or parsing its body" (was a break: the body was read first).

const SUBJECT = envelopeSubject();
/** What the gateway vouched for. */
const SIGNED = { query: "query ($first: Int) { fraReports(first: $first) { id title } }", variables: { first: 1 } };
/** What the attacker would rather run: more rows and more fields. */
const OTHER = "{ fraReports(first: 100) { id title summary body } }";

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}
type Reply = RawReply;

describe("envelope attacks on a subgraph's port (threat model a)", () => {
  let stack: TestStack;
  let key: EnvelopeSigningKey;
  let url: string;

  beforeAll(async () => {
    stack = await startTestStack();
    key = envelopeSigningKeyOf(readFileSync(gatewayPrivateKeyPath(stack.keysDir), "utf8"));
    url = stack.subgraphs.FRA.url;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const envelope = (operation: Operation, options: { audience?: string; now?: number } = {}) =>
    signEnvelope(
      { ...operation, subject: SUBJECT, audience: options.audience ?? "FRA", requestId: "security", now: options.now ?? Date.now() },
      key.privateKey,
      key.kid,
    );

  /** A raw request to FRA's subgraph (or another path of it): `body` is sent as it is when a string, else as JSON. */
  const send = (body: unknown, headers: Record<string, string> = {}, options: { method?: string; target?: string } = {}) =>
    rawRequest(options.target ?? url, body, headers, options.method);
  const withEnvelope = (token: string) => ({ [ENVELOPE_HEADER]: token });
  const expectRefused = (reply: Reply) => {
    expect(reply.status).toBe(401);
    expect(reply.body?.data).toBeUndefined();
    expect(reply.body?.errors).toEqual([{ message: REFUSED_MESSAGE, extensions: { code: "UNAUTHENTICATED" } }]);
  };
  /** Nothing of what the attacker wanted (the OTHER operation's extra fields, or more rows than vouched for) came back. */
  const expectNothingBeyondSigned = (reply: Reply) => {
    expect(reply.text).not.toMatch(/"summary"|"body"/);
    const reports = (reply.body?.data?.fraReports ?? []) as unknown[];
    expect(reports.length).toBeLessThanOrEqual(1);
  };

  it("refuses a request without an envelope before reading or parsing its body", async () => {
    // Headers that announce a body, and no envelope: the refusal needs nothing of the body, so the subgraph must not
    // wait for it (up to 1 MB and 30 s per socket) nor parse it before looking for the envelope.
    const target = new URL(url);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = httpRequest({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "900000" },
      });
      const timer = setTimeout(() => {
        req.destroy();
        resolve(undefined);
      }, 2000);
      req.on("response", (res) => {
        clearTimeout(timer);
        res.resume();
        resolve(res.statusCode);
        req.destroy();
      });
      req.on("error", () => undefined);
      req.flushHeaders();
    });
    expect(status, "no answer within 2 s: the subgraph is still waiting for the body of an unauthenticated request").toBe(401);
    // And a body that is not JSON, without an envelope, is refused like every other unvouched request (not parsed into a 400).
    expectRefused(await send('{"query": '));
  });

  it("refuses every method but POST, a GET carrying the vouched-for operation in its query string included", async () => {
    const search = new URLSearchParams({ query: SIGNED.query, variables: JSON.stringify(SIGNED.variables) });
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      const reply = await send(SIGNED, withEnvelope(envelope(SIGNED)), { method, target: `${url}?${search}` });
      expect(reply.status, method).toBe(405);
      expect(reply.text).not.toMatch(/FRA-R-/);
    }
  });

  it("refuses a body that is not JSON by its content type, even with a valid envelope", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/graphql", "multipart/form-data"]) {
      const body = contentType === "application/graphql" ? SIGNED.query : JSON.stringify(SIGNED);
      expectRefused(await send(body, { "content-type": contentType, ...withEnvelope(envelope(SIGNED)) }));
    }
  });

  it("refuses a batch, even when every member is the operation vouched for", async () => {
    expectRefused(await send([SIGNED, SIGNED], withEnvelope(envelope(SIGNED))));
    expectRefused(await send([SIGNED, { query: OTHER }], withEnvelope(envelope(SIGNED))));
  });

  it("runs, for a body with a duplicated query key, the operation vouched for or nothing", async () => {
    const vars = JSON.stringify(SIGNED.variables);
    // JSON.parse keeps the last member: the guard and Apollo Server read the same parsed object, so no differential.
    expectRefused(
      await send(
        `{"query": ${JSON.stringify(SIGNED.query)}, "query": ${JSON.stringify(OTHER)}, "variables": ${vars}}`,
        withEnvelope(envelope(SIGNED)),
      ),
    );
    const reply = await send(
      `{"query": ${JSON.stringify(OTHER)}, "query": ${JSON.stringify(SIGNED.query)}, "variables": ${vars}}`,
      withEnvelope(envelope(SIGNED)),
    );
    expect(reply.status).toBe(200);
    expectNothingBeyondSigned(reply);
  });

  it("lets no __proto__ member smuggle variables or an operation past the digest", async () => {
    const query = JSON.stringify(SIGNED.query);
    expectRefused(
      await send(`{"query": ${query}, "variables": {"first": 1, "__proto__": {"first": 100}}}`, withEnvelope(envelope(SIGNED))),
    );
    const reply = await send(
      `{"__proto__": {"query": ${JSON.stringify(OTHER)}, "variables": {"first": 100}}, "query": ${query}, "variables": {"first": 1}}`,
      withEnvelope(envelope(SIGNED)),
    );
    expectNothingBeyondSigned(reply);
  });

  it("lets operationName and extensions, which the digest does not cover, select or substitute no other operation", async () => {
    // A document of one operation, as the gateway sends: another operationName finds nothing to run.
    const named = { query: "query Vouched($first: Int) { fraReports(first: $first) { id title } }", variables: { first: 1 } };
    const renamed = await send({ ...named, operationName: "Other" }, withEnvelope(envelope(named)));
    expect(renamed.body?.data ?? null).toBeNull();
    expectNothingBeyondSigned(renamed);

    // An automatic persisted query registered by an earlier vouched-for request cannot replace the text vouched for now.
    const hash = (text: string) => createHash("sha256").update(text).digest("hex");
    const registered = await send(
      { query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: hash(OTHER) } } },
      withEnvelope(envelope({ query: OTHER })),
    );
    expect(registered.status).toBe(200);
    const substituted = await send(
      { ...SIGNED, extensions: { persistedQuery: { version: 1, sha256Hash: hash(OTHER) } } },
      withEnvelope(envelope(SIGNED)),
    );
    expectNothingBeyondSigned(substituted);
  });

  it("refuses a body with a byte-order mark, or over the size limit, without running it", async () => {
    const bom = await send(`\uFEFF${JSON.stringify(SIGNED)}`, withEnvelope(envelope(SIGNED)));
    expect(bom.status).not.toBe(200);
    expect(bom.text).not.toMatch(/FRA-R-/);
    const padded = { ...SIGNED, variables: { ...SIGNED.variables, padding: "x".repeat(1_100_000) } };
    const large = await send(padded, withEnvelope(envelope(padded)));
    expect(large.status).toBe(413);
    expect(large.text).not.toMatch(/FRA-R-/);
  });

  it("refuses two envelopes in one request, and an envelope sent under another header", async () => {
    const headers = new Headers({ "content-type": "application/json" });
    headers.append(ENVELOPE_HEADER, envelope(SIGNED));
    headers.append(ENVELOPE_HEADER, envelope(SIGNED));
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(SIGNED) });
    expect(response.status).toBe(401);
    expectRefused(await send(SIGNED, { authorization: `Bearer ${envelope(SIGNED)}` }));
    expectRefused(await send(SIGNED, { "x-tearline-envelope-1": envelope(SIGNED) }));
  });

  it("refuses algorithm and key confusion: alg none, HS256 keyed with the public key, an embedded key, a kid path", async () => {
    const [, payload] = envelope(SIGNED).split(".");
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const typ = "tearline-envelope+jwt";
    const none = `${b64({ alg: "none", typ, kid: key.kid })}.${payload}.`;
    expectRefused(await send(SIGNED, withEnvelope(none)));
    const hsHeader = b64({ alg: "HS256", typ, kid: key.kid });
    const secret = Buffer.from(key.publicJwk.x!, "base64url");
    const hs = `${hsHeader}.${payload}.${createHmac("sha256", secret).update(`${hsHeader}.${payload}`).digest("base64url")}`;
    expectRefused(await send(SIGNED, withEnvelope(hs)));
    // The attacker's own Ed25519 key, offered inside the header beside the trusted kid.
    const attacker = generateKeyPairSync("ed25519");
    const jwk = attacker.publicKey.export({ format: "jwk" });
    for (const header of [
      { alg: "EdDSA", typ, kid: key.kid, jwk },
      { alg: "EdDSA", typ, kid: `../${key.kid}` },
    ]) {
      const input = `${b64(header)}.${payload}`;
      const forged = `${input}.${sign(null, Buffer.from(input), attacker.privateKey).toString("base64url")}`;
      expectRefused(await send(SIGNED, withEnvelope(forged)));
    }
  });

  it("refuses an envelope issued 10 s ahead of the subgraph's clock, and one that expired 6 s ago", async () => {
    expectRefused(await send(SIGNED, withEnvelope(envelope(SIGNED, { now: Date.now() + 10_000 }))));
    expectRefused(await send(SIGNED, withEnvelope(envelope(SIGNED, { now: Date.now() - 66_000 }))));
  });

  it("refuses an audience that is FRA in another spelling", async () => {
    for (const audience of ["fra", "FRA ", " FRA", "FRA\u0000"])
      expectRefused(await send(SIGNED, withEnvelope(envelope(SIGNED, { audience }))));
  });

  it("admits an envelope sent twice at the same moment exactly once", async () => {
    const token = envelope(SIGNED);
    const replies = await Promise.all([
      send(SIGNED, withEnvelope(token)),
      send(SIGNED, withEnvelope(token)),
      send(SIGNED, withEnvelope(token)),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it("refuses an envelope observed for one nation when it is spent at another", async () => {
    const deu = { query: "{ deuReports(first: 1) { id } }" };
    const observed = envelope(deu, { audience: "FRA" });
    expectRefused(await send(deu, withEnvelope(observed), { target: stack.subgraphs.DEU.url }));
  });
});
