import { describe, expect, it } from "vitest";
import { accepted, envelope, goodClaims, HEADER, refused, signed, signedParts, T } from "../support/access-envelope-fixture.js";

// Envelopes forged part by part, signed with the gateway's own key: each is wrong in one way only, and refused for it.

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
