import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ENVELOPE_TTL_SECONDS,
  type EnvelopeCheck,
  EnvelopeRejected,
  ReplayCache,
  requestDigest,
  signEnvelope,
  verifyEnvelope,
} from "../../lib/access-envelope.js";
import { canonicalJson } from "../../lib/canonical-json.js";

const gateway = generateKeyPairSync("ed25519");
const other = generateKeyPairSync("ed25519");
const NOW = Date.parse("2026-11-25T12:00:00Z");
const SUBJECT = { nation: "GBR", sub: "analyst@gbr", clearance: "SECRET", compartments: ["ORCHID"], scopes: [], purpose: "CT" };
const QUERY = "query ($id: ID!) { threatActor(id: $id) { name } }";
const VARIABLES = { id: "TA-0003" };

const envelope = (overrides: { audience?: string; now?: number; query?: string; variables?: object } = {}, key = gateway.privateKey) =>
  signEnvelope(
    {
      subject: SUBJECT,
      audience: overrides.audience ?? "FRA",
      requestId: "req-1",
      query: overrides.query ?? QUERY,
      variables: (overrides.variables ?? VARIABLES) as Record<string, unknown>,
      now: overrides.now ?? NOW,
    },
    key,
    "gw-1",
  );
const check = (overrides: Partial<EnvelopeCheck> = {}): EnvelopeCheck => ({
  audience: "FRA",
  keyFor: (kid) => (kid === "gw-1" ? gateway.publicKey : undefined),
  replays: new ReplayCache(),
  query: QUERY,
  variables: VARIABLES,
  now: NOW,
  ...overrides,
});
const refused = (token: string | undefined, reason: string, overrides: Partial<EnvelopeCheck> = {}) => {
  expect(() => verifyEnvelope(token, check(overrides))).toThrow(EnvelopeRejected);
  expect(() => verifyEnvelope(token, check(overrides))).toThrow(reason);
};

describe("canonical JSON", () => {
  it("orders keys at every depth, drops undefined members and writes no spaces", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: "é" }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, 1])).toBe("[null,1]");
    expect(canonicalJson("\u2028")).toBe(JSON.stringify("\u2028"));
  });

  it("gives the same digest however the variables' keys are ordered, and treats no variables as {}", () => {
    expect(requestDigest(QUERY, { a: 1, b: 2 })).toBe(requestDigest(QUERY, { b: 2, a: 1 }));
    expect(requestDigest(QUERY, null)).toBe(requestDigest(QUERY, {}));
    expect(requestDigest(QUERY, { a: 1 })).not.toBe(requestDigest(QUERY, { a: 2 }));
    expect(requestDigest(`${QUERY} `, { a: 1 })).not.toBe(requestDigest(QUERY, { a: 1 }));
  });
});

describe("the access envelope", () => {
  it("carries the subject, purpose, audience and request id, valid for about a minute", () => {
    const claims = verifyEnvelope(envelope(), check());
    expect(claims).toMatchObject({ ...SUBJECT, aud: "FRA", rid: "req-1", iat: NOW / 1000, exp: NOW / 1000 + ENVELOPE_TTL_SECONDS });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a missing or malformed envelope", () => {
    refused(undefined, "missing");
    refused("", "missing");
    refused("a.b", "malformed");
    refused("a.b.c", "malformed");
  });

  it("refuses one signed by another key, or naming a key the subgraph does not know", () => {
    refused(envelope({}, other.privateKey), "bad signature");
    refused(envelope(), "unknown key", { keyFor: () => undefined });
  });

  it("refuses one meant for another nation", () => {
    refused(envelope({ audience: "DEU" }), "meant for another nation");
  });

  it("refuses an expired one, and one from the future", () => {
    refused(envelope({ now: NOW - (ENVELOPE_TTL_SECONDS + 10) * 1000 }), "expired or not yet valid");
    refused(envelope({ now: NOW + 30_000 }), "expired or not yet valid");
  });

  it("refuses an edited query or edited variables", () => {
    refused(envelope(), "does not match the request", { query: `${QUERY} ` });
    refused(envelope(), "does not match the request", { variables: { id: "TA-0004" } });
    refused(envelope(), "does not match the request", { variables: { id: "TA-0003", extra: true } });
  });

  it("accepts an envelope once: a replay is refused", () => {
    const replays = new ReplayCache();
    const token = envelope();
    expect(verifyEnvelope(token, check({ replays })).aud).toBe("FRA");
    refused(token, "replayed", { replays });
  });

  it("refuses an edited payload, a second spelling of the signature, and another typ or alg", () => {
    const [header, payload, signature] = envelope().split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, clearance: "TOP_SECRET" })).toString("base64url");
    refused(`${header}.${raised}.${signature}`, "bad signature");
    refused(`${header}.${payload}.${signature}=`, "bad signature");
    for (const bad of [
      { alg: "EdDSA", typ: "JWT", kid: "gw-1" },
      { alg: "none", typ: "tearline-envelope+jwt", kid: "gw-1" },
      { alg: "EdDSA", typ: "tearline-envelope+jwt", kid: "gw-1", crit: ["exp"] },
    ]) {
      const forged = Buffer.from(JSON.stringify(bad)).toString("base64url");
      const input = `${forged}.${payload}`;
      refused(`${input}.${sign(null, Buffer.from(input), gateway.privateKey).toString("base64url")}`, "not an envelope");
    }
  });

  it("refuses well-signed claims of the wrong shape", () => {
    const header = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: "tearline-envelope+jwt", kid: "gw-1" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ aud: "FRA", compartments: "ORCHID" })).toString("base64url");
    const input = `${header}.${payload}`;
    refused(`${input}.${sign(null, Buffer.from(input), gateway.privateKey).toString("base64url")}`, "malformed claims");
  });
});

describe("the replay cache", () => {
  it("forgets ids once they expire, and refuses new ones when full of live ids (fail closed)", () => {
    const cache = new ReplayCache(2);
    expect(cache.admit("a", 100, 0)).toBe(true);
    expect(cache.admit("b", 200, 0)).toBe(true);
    expect(cache.admit("c", 300, 50)).toBe(false);
    expect(cache.admit("c", 300, 150)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.admit("b", 200, 150)).toBe(false);
  });
});
