import { writeFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { ENVELOPE_HEADER, type EnvelopeSubject, ReplayCache } from "../../lib/access-envelope.js";
import { generateEnvelopeJwk } from "../../lib/envelope-key.js";
import type { PublicKeySet } from "../../lib/jwks-keys.js";
import { REFUSED_MESSAGE } from "../../subgraphs/shared/envelope-guard.js";
import { BODY, envelopeGuardTests, expectRefused, gatewayJwk, noted, QUERY, sealed } from "../support/envelope-guard-fixture.js";
import { logged } from "../support/recording-logger.js";
import { runningGuard as envelopeGuard } from "../support/running-guard.js";
import { createTestKey, signToken, tokenClaims } from "../support/tokens.js";

// A running guard, request by request. How a nation's guard starts is tested in envelope-guard-start.test.ts.

vi.mock("../../lib/logger.js", async (importOriginal) => (await import("../support/recording-logger.js")).recordingLogger(importOriginal));

const REFUSAL_LOG = "subgraph request refused: no valid gateway envelope";
const { fixture } = envelopeGuardTests();
const otherJwk = generateEnvelopeJwk();

describe("the subgraph's envelope guard", () => {
  it("admits a request the gateway signed for this nation, query and variables, as the subject the envelope names", async () => {
    const { sendEnvelope, envelope } = fixture();
    const caller = await sendEnvelope(envelope());
    expect(caller).toEqual({
      requestId: "req-7",
      subject: {
        nation: "DEU",
        clearance: "SECRET",
        compartments: new Set(["ORCHID"]),
        scopes: new Set(["watchlist:read"]),
        purpose: "CT",
      },
    });
    // No variables and {} are the same request.
    const bare = { query: "{ threatActors(first: 1) { name } }" };
    expect((await sendEnvelope(envelope({ body: bare }), bare)).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope({ body: bare }), { ...bare, variables: null })).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope({ body: bare }), { ...bare, variables: {} })).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope({ body: { ...bare, variables: {} } }), bare)).requestId).toBe("req-7");
    expect(noted).not.toHaveBeenCalled();
    expect(logged).toEqual([]);
  });

  it("reads the envelope from the x-tearline-envelope header only", async () => {
    expect(ENVELOPE_HEADER).toBe("x-tearline-envelope");
    const { send, envelope } = fixture();
    await expectRefused(send({ "x-tearline-envelope-2": envelope() }), "missing");
    await expectRefused(send({ envelope: envelope() }), "missing");
    expect((await send({ "x-tearline-envelope": envelope() })).requestId).toBe("req-7");
  });

  it("refuses a request without an envelope, with an analyst's token in either header, or with two envelopes", async () => {
    const { send, sendEnvelope, envelope } = fixture();
    const analyst = await createTestKey();
    const token = await signToken(analyst, tokenClaims("FRA"));
    await expectRefused(send({}), "missing");
    await expectRefused(send({ authorization: `Bearer ${token}` }), "missing");
    await expectRefused(sendEnvelope(""), "missing");
    await expectRefused(sendEnvelope(token), "not an envelope");
    await expectRefused(sendEnvelope(`${envelope()}, ${envelope()}`), "malformed");
    // A header that is not one string (as a fake or a future Node might hand it over) is no envelope at all.
    await expectRefused(send({ "x-tearline-envelope": [envelope(), envelope()] }), "missing");
  });

  it("refuses one meant for another nation, an expired one, and one from the future", async () => {
    const { sendEnvelope, envelope, now } = fixture();
    await expectRefused(sendEnvelope(envelope({ audience: "DEU" })), "meant for another nation");
    await expectRefused(sendEnvelope(envelope({ now: now() - 70_000 })), "expired or not yet valid");
    await expectRefused(sendEnvelope(envelope({ now: now() + 30_000 })), "expired or not yet valid");
  });

  it("refuses an edited query or edited variables", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope(), { ...BODY, query: QUERY.replace("name", "name aliases") }), "does not match the request");
    await expectRefused(sendEnvelope(envelope(), { ...BODY, variables: { id: "TA-0004" } }), "does not match the request");
    await expectRefused(sendEnvelope(envelope(), { query: QUERY }), "does not match the request");
  });

  it("accepts an envelope once: a replay is refused", async () => {
    const { sendEnvelope, envelope } = fixture();
    const token = envelope();
    await sendEnvelope(token);
    await expectRefused(sendEnvelope(token), "replayed");
  });

  it("records admitted envelopes in the replay cache it is given, and keeps one of its own when given none", async () => {
    const replays = new ReplayCache();
    const given = fixture([gatewayJwk], replays);
    await given.sendEnvelope(given.envelope());
    expect(replays.size).toBe(1);

    const own = fixture([gatewayJwk], undefined);
    const token = own.envelope();
    expect((await own.sendEnvelope(token)).requestId).toBe("req-7");
    await expectRefused(own.sendEnvelope(token), "replayed");
    expect(replays.size).toBe(1);
  });

  it("refuses one signed by another key, even under the trusted key's kid", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope({ jwk: otherJwk })), "unknown key");
    await expectRefused(sendEnvelope(envelope({ jwk: { ...otherJwk, kid: gatewayJwk.kid } })), "bad signature");
  });

  // Each body is checked before the envelope is: a mutated check would fall through to the digest and be refused there,
  // under another category, so the category is what shows the body check itself works.
  it.each<[string, unknown, string]>([
    ["a batch", [BODY], "not one JSON operation"],
    ["an empty batch", [], "not one JSON operation"],
    ["text", JSON.stringify(BODY), "not one JSON operation"],
    ["a number", 42, "not one JSON operation"],
    ["true", true, "not one JSON operation"],
    ["no body", undefined, "not one JSON operation"],
    ["null", null, "not one JSON operation"],
    ["a persisted query alone", { extensions: { persistedQuery: { version: 1, sha256Hash: "abc" } } }, "no query text"],
    ["an empty query", { query: "" }, "no query text"],
    ["a query that is not text", { query: 42, variables: BODY.variables }, "no query text"],
    ["a query that is a list of texts", { query: [QUERY], variables: BODY.variables }, "no query text"],
    ["variables in a list", { ...BODY, variables: ["TA-0003"] }, "variables not an object"],
    ["variables as text", { ...BODY, variables: "TA-0003" }, "variables not an object"],
    ["variables as a number", { ...BODY, variables: 3 }, "variables not an object"],
    ["variables as false", { ...BODY, variables: false }, "variables not an object"],
  ])("refuses a body that is not one operation with its text: %s", async (_, body, category) => {
    const { admit, envelope } = fixture();
    // Straight to the guard: a body of undefined must reach it as such.
    await expectRefused(admit({ headers: { [ENVELOPE_HEADER]: envelope() } } as unknown as IncomingMessage, body), category);
  });

  it("refuses the empty query even when the gateway signed it", async () => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope({ body: { query: "" } }), { query: "" }), "no query text");
  });

  it.each<[string, Partial<EnvelopeSubject>, string]>([
    ["a clearance the policy does not know", { clearance: "COSMIC" }, "subject: clearance not a classification"],
    ["a nation that is no nation code", { nation: "Germany" }, "subject: not a nation code"],
    ["no purpose", { purpose: "" }, "subject: no purpose"],
  ])("refuses a well-signed subject the policy cannot read (%s): no guessing", async (_, subject, category) => {
    const { sendEnvelope, envelope } = fixture();
    await expectRefused(sendEnvelope(envelope({ subject })), category);
  });

  it("follows a rotation of the gateway key without a restart, and refuses everything while the key file is unreadable", async () => {
    const { sendEnvelope, envelope, publish, advance, file } = fixture();
    const next = generateEnvelopeJwk();
    await expectRefused(sendEnvelope(envelope({ jwk: next })), "unknown key");
    publish([gatewayJwk, next]);
    advance(1000);
    expect((await sendEnvelope(envelope({ jwk: next }))).requestId).toBe("req-7");
    expect((await sendEnvelope(envelope())).requestId).toBe("req-7");
    publish([next]);
    advance(1000);
    await expectRefused(sendEnvelope(envelope()), "unknown key");
    writeFileSync(file, "{ half a file");
    advance(1000);
    await expectRefused(sendEnvelope(envelope({ jwk: next })), "gateway keys unavailable");
  });

  it("logs a refusal as a warning naming its category, never the envelope; the caller reads the same 401 for all", async () => {
    const { sendEnvelope, envelope } = fixture();
    const token = envelope({ audience: "DEU" });
    await expectRefused(sendEnvelope(token), "meant for another nation");
    expect(logged).toEqual([{ component: "FRA", level: "warn", fields: { kind: "meant for another nation" }, message: REFUSAL_LOG }]);
    expect(JSON.stringify(logged)).not.toContain(token);
    expect(REFUSED_MESSAGE).toBe("This subgraph answers only requests the gateway vouches for");
  });

  it("refuses, and logs as an error, a check that fails for a reason it did not foresee", async () => {
    const failure = new Error("disk on fire");
    const keys = { keyFor: () => Promise.reject(failure) } as unknown as PublicKeySet;
    const admit = envelopeGuard({ nation: "FRA", keys, replays: new ReplayCache() });
    const token = sealed({}, Date.now());
    await expectRefused(admit({ headers: { [ENVELOPE_HEADER]: token } } as unknown as IncomingMessage, BODY), "check failed");
    expect(logged).toEqual([
      { component: "FRA", level: "error", fields: { err: failure }, message: "envelope check failed" },
      { component: "FRA", level: "warn", fields: { kind: "check failed" }, message: REFUSAL_LOG },
    ]);
  });
});
