import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JWTPayload } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Authenticate, type AuthHeaders, createAuthenticator, UNAUTHENTICATED_MESSAGE } from "../../gateway/auth/authenticate.js";
import type { TrustedIssuer } from "../../gateway/auth/issuers.js";
import { createTokenVerifier } from "../../gateway/auth/verify-token.js";
import { HttpError } from "../../lib/http-server.js";
import {
  bearer,
  createSecretKey,
  createTestKey,
  fileIssuer,
  signToken,
  signWithRawHeader,
  TEST_AUDIENCE,
  type TestKey,
  testIssuerId,
  tokenClaims,
  unsecuredToken,
  withForgedClaims,
  writeJwksFile,
} from "../support/tokens.js";

let dir: string;
let gbrKey: TestKey;
let gbrRsaKey: TestKey;
let fraKey: TestKey;
let authenticate: Authenticate;
let issuers: TrustedIssuer[];
/** What the authenticator logged: one reason per refusal. */
let logged: string[] = [];

const now = () => Math.floor(Date.now() / 1000);
const gbrToken = (overrides: Record<string, unknown> = {}, key = gbrKey) => signToken(key, tokenClaims("GBR", overrides));
const request = (token: string, purpose = "CT"): AuthHeaders => ({ ...bearer(token), "x-purpose": purpose });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tearline-auth-"));
  [gbrKey, gbrRsaKey, fraKey] = await Promise.all([createTestKey("ES256"), createTestKey("RS256"), createTestKey("ES256")]);
  await writeFile(join(dir, "deu.json"), "{ not json");
  issuers = [
    // Britain publishes an RSA key too, so only the algorithm list keeps RS256 out.
    fileIssuer("GBR", await writeJwksFile(dir, "gbr.json", [gbrKey, gbrRsaKey]), ["ES256"]),
    fileIssuer("FRA", await writeJwksFile(dir, "fra.json", [fraKey])),
    fileIssuer("DEU", join(dir, "deu.json")),
    fileIssuer("EST", join(dir, "missing.json")),
  ];
  authenticate = createAuthenticator({ issuers, audience: TEST_AUDIENCE, refusals: { note: (reason) => logged.push(reason) } });
});

afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  logged = [];
});

describe("authentication refusals", () => {
  const cases: Array<[string, () => Promise<AuthHeaders>]> = [
    ["no Authorization header", async () => ({ "x-purpose": "CT" })],
    ["a Basic credential", async () => ({ authorization: "Basic dXNlcjpwYXNz", "x-purpose": "CT" })],
    ["Bearer with no token", async () => ({ authorization: "Bearer ", "x-purpose": "CT" })],
    ["a token without the Bearer scheme", async () => ({ authorization: await gbrToken(), "x-purpose": "CT" })],
    ["garbage", async () => request("not-a-jwt")],
    ["three garbage segments", async () => request("a.b.c")],
    [
      "claims changed after signing",
      async () => request(withForgedClaims(await gbrToken(), tokenClaims("GBR", { clearance: "TOP_SECRET" }))),
    ],
    ["an expired token", async () => request(await gbrToken({ iat: now() - 1200, exp: now() - 600 }))],
    ["a token not yet valid (nbf)", async () => request(await gbrToken({ nbf: now() + 600 }))],
    ["a token issued in the future (iat)", async () => request(await gbrToken({ iat: now() + 600, exp: now() + 1200 }))],
    ["another audience", async () => request(await gbrToken({ aud: "some-other-service" }))],
    ["HS256 with a shared secret", async () => request(await signToken(createSecretKey(), tokenClaims("GBR")))],
    ["RS256 when the issuer signs with ES256 only", async () => request(await gbrToken({}, gbrRsaKey))],
    ["alg none", async () => request(unsecuredToken(tokenClaims("GBR")))],
    ["an untrusted issuer", async () => request(await gbrToken({ iss: testIssuerId("USA") }))],
    ["no iss at all", async () => request(await gbrToken({ iss: undefined }))],
    ["a French iss signed with the British key", async () => request(await signToken(gbrKey, tokenClaims("FRA")))],
    // Another kind of JWS from a trusted key: an agreements document, or any other typ, is not an access token.
    ["typ tearline-agreements+jws", async () => request(await signToken(gbrKey, tokenClaims("GBR"), { typ: "tearline-agreements+jws" }))],
    ["typ logout+jwt", async () => request(await signToken(gbrKey, tokenClaims("GBR"), { typ: "logout+jwt" }))],
    // The header as the verifier reads it before any key is chosen (jws-signature.ts checks only the signature).
    [
      "a header naming a critical extension",
      async () => request(await signToken(gbrKey, tokenClaims("GBR"), { crit: ["b64"], b64: true } as never)),
    ],
    ["a typ that is not a string", async () => request(await signToken(gbrKey, tokenClaims("GBR"), { typ: 1 as never }))],
    [
      "a header that is a JSON array",
      async () => request(await signWithRawHeader(gbrKey, JSON.stringify([{ alg: "ES256", kid: gbrKey.kid }]), tokenClaims("GBR"))),
    ],
    ["a header that is no JSON", async () => request(await signWithRawHeader(gbrKey, "{alg:ES256}", tokenClaims("GBR")))],
    [
      "a header that is not UTF-8 (a byte 0xff in a string)",
      async () => {
        const header = JSON.stringify({ alg: "ES256", kid: gbrKey.kid, typ: "at+jwt", note: "#" });
        const bytes = Buffer.from(header);
        bytes[bytes.indexOf("#")] = 0xff;
        return request(await signWithRawHeader(gbrKey, bytes, tokenClaims("GBR")));
      },
    ],
    [
      "a header without alg",
      async () => request(await signWithRawHeader(gbrKey, JSON.stringify({ kid: gbrKey.kid, typ: "at+jwt" }), tokenClaims("GBR"))),
    ],
    ["a French iss with the British key and no kid", async () => request(await signToken(gbrKey, tokenClaims("FRA"), { kid: undefined }))],
    ...["sub", "aud", "exp", "iat", "jti", "clearance", "purposes"].map((claim): [string, () => Promise<AuthHeaders>] => [
      `no ${claim} claim`,
      async () => request(await gbrToken({ [claim]: undefined })),
    ]),
    ["an unknown clearance", async () => request(await gbrToken({ clearance: "ULTRA_SECRET" }))],
    ["a lifetime over one hour", async () => request(await gbrToken({ iat: now(), exp: now() + 3601 }))],
    ["compartments that are not a list", async () => request(await gbrToken({ compartments: "ORCHID" }))],
    ["an empty purposes list", async () => request(await gbrToken({ purposes: [] }))],
    ["a numeric subject", async () => request(await gbrToken({ sub: 42 }))],
    ["a scope that is not a string", async () => request(await gbrToken({ scope: ["reports:read"] }))],
    ["an issuer whose JWKS file is malformed", async () => request(await signToken(gbrKey, tokenClaims("DEU")))],
    ["an issuer whose JWKS file is missing", async () => request(await signToken(gbrKey, tokenClaims("EST")))],
  ];

  it.each(cases)("refuses %s with the same 401 and logs one line without the token", async (_name, headers) => {
    const sent = await headers();
    const refusal = await authenticate(sent).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(HttpError);
    expect(refusal).toMatchObject({ status: 401, code: "UNAUTHENTICATED", message: UNAUTHENTICATED_MESSAGE });
    expect(logged).toHaveLength(1);
    // Refused by a rule that names its reason, never by a crash further on that happens to fail closed.
    expect(logged[0]).not.toMatch(/TypeError|Cannot read|undefined/);
    const token = sent.authorization?.split(" ").at(-1) ?? "";
    // Only tokens long enough to be real could leak; a short one may be a word of the reason.
    expect(token.length <= 10 || !logged[0]!.includes(token)).toBe(true);
  });

  it("accepts the well-formed token every refusal above is a variation of", async () => {
    await expect(authenticate(request(await gbrToken()))).resolves.toMatchObject({ nation: "GBR" });
    const header = JSON.stringify({ alg: "ES256", kid: gbrKey.kid, typ: "at+jwt" });
    await expect(authenticate(request(await signWithRawHeader(gbrKey, header, tokenClaims("GBR"))))).resolves.toMatchObject({
      nation: "GBR",
    });
    expect(logged).toEqual([]);
  });
});

describe("the token verifier on its own", () => {
  // Its callers check the spelling first; the verifier checks again, since it reads the segments as ASCII.
  it.each<[string, (token: string) => string]>([
    ["a padded segment", (token) => token.replace(/^([^.]+)\./, "$1==.")],
    ["a segment in the other base64 alphabet", (token) => token.replaceAll("-", "+").replaceAll("_", "/")],
    ["a non-ASCII character", (token) => `${token.split(".").slice(0, 2).join(".")}é.${token.split(".")[2]}`],
  ])("refuses a token with %s before reading it", async (_name, respell) => {
    const verifier = createTokenVerifier({ issuers, audience: TEST_AUDIENCE });
    let token = await gbrToken();
    // Until the spelling differs (a token may have no '-' or '_' to change).
    for (let n = 0; respell(token) === token && n < 50; n++) token = await gbrToken({ jti: `jti-${n}` });
    await expect(verifier.verify(token)).resolves.toMatchObject({ token: { nation: "GBR" } });
    await expect(verifier.verify(respell(token))).rejects.toThrow("not a compact JWS in canonical base64url");
  });
});

describe("the principal", () => {
  it.each(["at+jwt", "application/at+jwt", "AT+JWT"])("accepts an access token whose typ is %s", async (typ) => {
    await expect(authenticate(request(await signToken(gbrKey, tokenClaims("GBR"), { typ })))).resolves.toMatchObject({ nation: "GBR" });
  });

  it("carries the token's claims and takes the nation from the issuer, not from a nation claim", async () => {
    const claims = tokenClaims("GBR", { nation: "USA", clearance: "TOP_SECRET" });
    const principal = await authenticate(request(await signToken(gbrKey, claims), "CYBER"));
    expect(principal).toEqual({
      sub: "analyst@gbr",
      nation: "GBR",
      issuer: testIssuerId("GBR"),
      tokenId: claims.jti,
      clearance: "TOP_SECRET",
      compartments: new Set(["ORCHID"]),
      purposes: new Set(["CT", "CYBER"]),
      purpose: "CYBER",
      scopes: new Set(["reports:read", "actors:read"]),
      expiresAt: claims.exp,
    });
  });

  it("gives France's callers France's nation", async () => {
    await expect(authenticate(request(await signToken(fraKey, tokenClaims("FRA"))))).resolves.toMatchObject({ nation: "FRA" });
  });

  it("defaults missing compartments and scope to none", async () => {
    const principal = await authenticate(request(await gbrToken({ compartments: undefined, scope: undefined })));
    expect(principal.compartments.size).toBe(0);
    expect(principal.scopes.size).toBe(0);
  });

  it.each([
    ["a lifetime of exactly one hour", { iat: now(), exp: now() + 3600 }],
    ["an iat 10 s ahead, within the clock tolerance", { iat: now() + 10, exp: now() + 600 }],
    ["an exp 10 s past, within the clock tolerance", { iat: now() - 600, exp: now() - 10 }],
  ])("accepts %s", async (_name, times: JWTPayload) => {
    await expect(authenticate(request(await gbrToken(times)))).resolves.toMatchObject({ sub: "analyst@gbr" });
  });

  it("accepts the Bearer scheme in any case", async () => {
    await expect(authenticate({ authorization: `bearer ${await gbrToken()}`, "x-purpose": "CT" })).resolves.toMatchObject({
      nation: "GBR",
    });
  });
});

describe("purpose of use", () => {
  it.each([undefined, "", "   "])("requires an X-Purpose header (%o) with 400 PURPOSE_REQUIRED", async (purpose) => {
    const headers = { ...bearer(await gbrToken()), ...(purpose === undefined ? {} : { "x-purpose": purpose }) };
    await expect(authenticate(headers)).rejects.toMatchObject({ status: 400, code: "PURPOSE_REQUIRED" });
  });

  it("refuses a purpose the token does not authorise with 403 PURPOSE_NOT_AUTHORISED", async () => {
    await expect(authenticate(request(await gbrToken(), "HUMINT"))).rejects.toMatchObject({ status: 403, code: "PURPOSE_NOT_AUTHORISED" });
  });

  it("checks the token before the purpose: a bad token without a purpose is 401", async () => {
    await expect(authenticate({ authorization: "Bearer a.b.c" })).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });

  it("checks the purpose on every request, also when the token is cached", async () => {
    const token = await gbrToken();
    await expect(authenticate(request(token, "CT"))).resolves.toMatchObject({ purpose: "CT" });
    await expect(authenticate(request(token, "HUMINT"))).rejects.toMatchObject({ status: 403 });
    await expect(authenticate(bearer(token))).rejects.toMatchObject({ status: 400 });
    await expect(authenticate(request(token, "CYBER"))).resolves.toMatchObject({ purpose: "CYBER" });
  });
});
