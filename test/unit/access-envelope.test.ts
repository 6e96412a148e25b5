import { sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ENVELOPE_TTL_SECONDS, ReplayCache, verifyEnvelope } from "../../lib/access-envelope.js";
import { check, envelope, gateway, NOW, other, QUERY, refused, SUBJECT } from "../support/access-envelope-fixture.js";

// The envelope as the gateway signs it and a subgraph checks it, and the replay cache. Refusals of forged envelopes,
// part by part, are in access-envelope-forgeries.test.ts; its time limits in access-envelope-time.test.ts.

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
  it("forgets an id at its expiry exactly, not before", () => {
    const cache = new ReplayCache(1);
    expect(cache.admit("a", 100, 0)).toBe(true);
    expect(cache.admit("b", 200, 99.999)).toBe(false);
    expect(cache.admit("b", 200, 100)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it("sweeps expired ids only once full (no scan per request), and until then still refuses them", () => {
    const cache = new ReplayCache(3);
    expect(cache.admit("a", 100, 0)).toBe(true);
    expect(cache.admit("b", 300, 150)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.admit("a", 100, 150)).toBe(false);
    expect(cache.admit("c", 300, 150)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.admit("d", 300, 150)).toBe(true);
    expect(cache.size).toBe(3);
  });

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
