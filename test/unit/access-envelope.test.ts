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
/** What verifying `token` throws (undefined when it is accepted). */
const rejection = (token: string | undefined, overrides: Partial<EnvelopeCheck> = {}): unknown => {
  try {
    verifyEnvelope(token, check(overrides));
  } catch (error) {
    return error;
  }
  return undefined;
};
/** Refused as an EnvelopeRejected of exactly this category (never another error, never a neighbouring category). */
const refused = (token: string | undefined, reason: string, overrides: Partial<EnvelopeCheck> = {}) => {
  const error = rejection(token, overrides);
  expect(error).toBeInstanceOf(EnvelopeRejected);
  expect((error as Error).message).toBe(reason);
};
const accepted = (token: string, overrides: Partial<EnvelopeCheck> = {}) => verifyEnvelope(token, check(overrides));

// Envelopes forged part by part, signed with the gateway's own key: only what is being tested is wrong.
const T = NOW / 1000;
const HEADER = { alg: "EdDSA", typ: "tearline-envelope+jwt", kid: "gw-1" };
// Made when a test runs, not while the file loads: a mutant of the digest must fail tests, not the loading of the file.
const goodClaims = () => ({
  ...SUBJECT,
  aud: "FRA",
  rid: "req-1",
  dig: requestDigest(QUERY, VARIABLES),
  iat: T,
  exp: T + 60,
  jti: "jti-1",
});
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const signedParts = (header: string, payload: string) => {
  const input = `${header}.${payload}`;
  return `${input}.${sign(null, Buffer.from(input), gateway.privateKey).toString("base64url")}`;
};
const signed = (header: unknown, claims: unknown) => signedParts(part(header), part(claims));

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

describe("the envelope's form, refusal by refusal", () => {
  // Built when each case runs (see goodClaims).
  const pieces = () => {
    const token = envelope();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    return { token, header, payload, signature };
  };

  it("accepts the well-formed forged envelope these cases start from", () => {
    expect(accepted(signed(HEADER, goodClaims()))).toEqual(goodClaims());
  });

  it.each<[string, () => string | undefined, string]>([
    ["no envelope", () => undefined, "missing"],
    ["an empty envelope", () => "", "missing"],
    ["two parts", () => `${pieces().header}.${pieces().payload}`, "malformed"],
    ["four parts", () => `${pieces().token}.${pieces().signature}`, "malformed"],
    ["a trailing dot", () => `${pieces().token}.`, "malformed"],
    ["a header that is not base64url JSON", () => signedParts("!!", pieces().payload), "malformed"],
    ["a header that is JSON null", () => signed(null, goodClaims()), "malformed"],
    ["a header that is an array", () => signed([HEADER], goodClaims()), "malformed"],
    ["a header that is a string", () => signed("EdDSA", goodClaims()), "malformed"],
    ["a header that is a number", () => signed(1, goodClaims()), "malformed"],
    ["a header that is true", () => signed(true, goodClaims()), "malformed"],
    ["a JWT's typ", () => signed({ ...HEADER, typ: "JWT" }, goodClaims()), "not an envelope"],
    ["no typ", () => signed({ alg: "EdDSA", kid: "gw-1" }, goodClaims()), "not an envelope"],
    ["alg none", () => signed({ ...HEADER, alg: "none" }, goodClaims()), "not an envelope"],
    ["alg ES256", () => signed({ ...HEADER, alg: "ES256" }, goodClaims()), "not an envelope"],
    ["no kid", () => signed({ alg: "EdDSA", typ: "tearline-envelope+jwt" }, goodClaims()), "not an envelope"],
    ["a kid that is a number", () => signed({ ...HEADER, kid: 1 }, goodClaims()), "not an envelope"],
    ["a kid that is null", () => signed({ ...HEADER, kid: null }, goodClaims()), "not an envelope"],
    ["a crit header, even empty", () => signed({ ...HEADER, crit: [] }, goodClaims()), "not an envelope"],
    ["a kid the subgraph does not trust", () => signed({ ...HEADER, kid: "gw-2" }, goodClaims()), "unknown key"],
    [
      "a signature cut short",
      () => {
        const { header, payload, signature } = pieces();
        return `${header}.${payload}.${signature.slice(0, -2)}`;
      },
      "bad signature",
    ],
    [
      "a signature in base64 rather than base64url",
      () => {
        const { header, payload, signature } = pieces();
        return `${header}.${payload}.${Buffer.from(signature, "base64url").toString("base64")}`;
      },
      "bad signature",
    ],
    ["claims that are not base64url JSON", () => signedParts(pieces().header, "!!"), "malformed"],
    ["claims that are JSON null", () => signed(HEADER, null), "malformed"],
    ["claims that are an array", () => signed(HEADER, [goodClaims()]), "malformed"],
    ["claims that are a string", () => signed(HEADER, "FRA"), "malformed"],
    ["claims that are a number", () => signed(HEADER, 1), "malformed"],
  ])("refuses %s", (_, make, reason) => {
    refused(make(), reason);
  });
});

describe("the envelope's claims, checked one by one", () => {
  const wrong: [keyof ReturnType<typeof goodClaims>, unknown][] = [];
  for (const name of ["aud", "rid", "dig", "jti", "nation", "sub", "clearance", "purpose"] as const) {
    wrong.push([name, undefined], [name, null], [name, 1], [name, [name]]);
  }
  wrong.push(["iat", undefined], ["iat", null], ["iat", String(T)], ["iat", [T]]);
  wrong.push(["exp", undefined], ["exp", null], ["exp", String(T + 60)], ["exp", [T + 60]]);
  for (const name of ["compartments", "scopes"] as const) {
    wrong.push(
      [name, undefined],
      [name, null],
      [name, "ORCHID"],
      [name, { 0: "ORCHID" }],
      [name, [1]],
      [name, ["ORCHID", null]],
      [name, [["ORCHID"]]],
    );
  }

  it.each(wrong)("refuses %s = %j as malformed claims, everything else being right", (name, value) => {
    refused(signed(HEADER, { ...goodClaims(), [name]: value }), "malformed claims");
  });

  it("accepts empty compartments and scopes, and returns only the claims it knows", () => {
    const claims = accepted(signed(HEADER, { ...goodClaims(), compartments: [], scopes: [], role: "admin", admin: true }));
    expect(claims).toEqual({ ...goodClaims(), compartments: [], scopes: [] });
  });

  it("checks the audience after the shape and before the time", () => {
    refused(signed(HEADER, { ...goodClaims(), aud: "fra" }), "meant for another nation");
    refused(signed(HEADER, { ...goodClaims(), aud: "DEU", exp: T - 3600, iat: T - 3660 }), "meant for another nation");
  });
});

describe("the envelope's time, to the boundary", () => {
  // Signed at NOW: iat = T, exp = T + 60. The default tolerance for clocks apart is 5 s.
  it.each<[string, number, boolean]>([
    ["when signed", NOW, true],
    ["a millisecond before exp + tolerance", (T + 65) * 1000 - 1, true],
    ["at exp + tolerance", (T + 65) * 1000, false],
    ["a minute after", (T + 120) * 1000, false],
    ["at iat - tolerance (the gateway's clock ahead)", (T - 5) * 1000, true],
    ["a millisecond before iat - tolerance", (T - 5) * 1000 - 1, false],
  ])("with the default tolerance, checked %s: accepted %s", (_, now, ok) => {
    const token = envelope();
    if (ok) expect(accepted(token, { now }).iat).toBe(T);
    else refused(token, "expired or not yet valid", { now });
  });

  it.each<[string, number, boolean]>([
    ["a millisecond before exp", (T + 60) * 1000 - 1, true],
    ["at exp", (T + 60) * 1000, false],
    ["at iat", T * 1000, true],
    ["a millisecond before iat", T * 1000 - 1, false],
  ])("with no tolerance, checked %s: accepted %s", (_, now, ok) => {
    const token = envelope();
    if (ok) expect(accepted(token, { now, clockToleranceSeconds: 0 }).iat).toBe(T);
    else refused(token, "expired or not yet valid", { now, clockToleranceSeconds: 0 });
  });

  it("refuses a well-signed envelope that claims a longer life than the gateway ever gives, even while current", () => {
    expect(accepted(signed(HEADER, { ...goodClaims(), exp: T + ENVELOPE_TTL_SECONDS })).exp).toBe(T + 60);
    refused(signed(HEADER, { ...goodClaims(), exp: T + ENVELOPE_TTL_SECONDS + 1 }), "expired or not yet valid");
    refused(signed(HEADER, { ...goodClaims(), iat: T - 3600, exp: T + 30 }), "expired or not yet valid");
  });

  it("remembers an envelope's id for as long as the tolerance lets it be presented: a late replay is refused even when the cache is full", () => {
    const replays = new ReplayCache(1);
    const token = envelope();
    expect(accepted(token, { replays }).exp).toBe(T + 60);
    // Past exp, within the tolerance: still a valid envelope, so the full cache must not have forgotten it.
    refused(token, "replayed", { replays, now: (T + 64) * 1000 });
    // And the full cache refuses a new one rather than forget a live id.
    refused(envelope({ now: (T + 64) * 1000 }), "replayed", { replays, now: (T + 64) * 1000 });
    // Once it could no longer be accepted it is forgotten, and the cache has room again.
    refused(token, "expired or not yet valid", { replays, now: (T + 65) * 1000 });
    expect(accepted(envelope({ now: (T + 65) * 1000 }), { replays, now: (T + 65) * 1000 }).iat).toBe(T + 65);
  });
});
