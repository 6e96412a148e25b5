import { decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { signDevToken } from "../../../scripts/idp/sign.js";
import { temporaryFolders } from "../../support/temporary-folders.js";
import { type TestAuthenticator, testAuthenticator } from "../../support/test-authenticator.js";
import { createTestKey, fileIssuer, signToken, type TestKey, tokenClaims, writeJwksFile } from "../../support/tokens.js";

// RFC 8725 3.11 and RFC 9068: an issuer signs ID tokens, logout tokens and more with the keys of its access tokens.
// Only a token that says it is an access token (typ at+jwt, or what the issuer's entry declares) is one.

const temporary = temporaryFolders();
let key: TestKey;
let logged: string[];

beforeAll(async () => {
  key = await createTestKey();
});

/** An authenticator trusting GBR's test issuer, with the typ values its entry declares (none: at+jwt only). */
async function authenticatorFor(tokenTypes?: string[]): Promise<TestAuthenticator> {
  const file = await writeJwksFile(temporary("tearline-typ-"), "gbr.json", [key]);
  const authenticator = testAuthenticator({ ...fileIssuer("GBR", file), ...(tokenTypes ? { tokenTypes } : {}) });
  logged = authenticator.logged;
  return authenticator;
}

const send = async (authenticator: TestAuthenticator, header: Record<string, unknown>, claims: Record<string, unknown> = {}) =>
  authenticator.send(await signToken(key, tokenClaims("GBR", claims), header));

describe("the typ of an access token", () => {
  it.each([
    ["logout+jwt", { typ: "logout+jwt" }],
    ["id_token+jwt", { typ: "id_token+jwt" }],
    ["dpop+jwt", { typ: "dpop+jwt" }],
    ["application/logout+jwt", { typ: "application/logout+jwt" }],
    ["JWT, when the issuer's entry does not declare it", { typ: "JWT" }],
    ["no typ at all", { typ: undefined }],
    ["at+jwt with trailing text", { typ: "at+jwt; x" }],
  ])("refuses a token whose typ is %s with 401", async (_name, header) => {
    const authenticate = await authenticatorFor();
    await expect(send(authenticate, header)).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    expect(logged).toEqual([expect.stringMatching(/^typ .* is not an access token's$/)]);
  });

  it.each(["at+jwt", "application/at+jwt", "AT+JWT"])("accepts %s", async (typ) => {
    await expect(send(await authenticatorFor(), { typ })).resolves.toMatchObject({ nation: "GBR" });
  });

  it("accepts JWT from an issuer whose entry declares it, and still refuses another kind", async () => {
    const authenticate = await authenticatorFor(["JWT"]);
    await expect(send(authenticate, { typ: "JWT" })).resolves.toMatchObject({ nation: "GBR" });
    await expect(send(authenticate, { typ: "at+jwt" })).rejects.toMatchObject({ status: 401 });
    await expect(send(authenticate, { typ: "logout+jwt" })).rejects.toMatchObject({ status: 401 });
  });
});

describe("a token shaped as an ID token", () => {
  it.each([
    ["nonce", { nonce: "n-0S6_WzA2Mj" }],
    ["at_hash", { at_hash: "77QmUPtjPfzWtF2AnpK9RQ" }],
    ["c_hash", { c_hash: "LDktKdoQak3Pk0cnXxCltA" }],
  ])("is refused with a %s claim, whatever its typ says", async (_name, claims) => {
    await expect(send(await authenticatorFor(), { typ: "at+jwt" }, claims)).rejects.toMatchObject({ status: 401 });
    expect(logged).toEqual([expect.stringMatching(/^ID token claims/)]);
    await expect(send(await authenticatorFor(["JWT"]), { typ: "JWT" }, claims)).rejects.toMatchObject({ status: 401 });
  });

  it("is refused with auth_time under a generic typ, where only an ID token carries it", async () => {
    const authTime = { auth_time: Math.floor(Date.now() / 1000) - 60 };
    await expect(send(await authenticatorFor(["JWT"]), { typ: "JWT" }, authTime)).rejects.toMatchObject({ status: 401 });
    // RFC 9068 2.2.1 lets an at+jwt say when its user signed in.
    await expect(send(await authenticatorFor(), { typ: "at+jwt" }, authTime)).resolves.toMatchObject({ nation: "GBR" });
  });
});

describe("the development identity provider", () => {
  it("mints at+jwt tokens (test/unit/auth-dev-idp.test.ts has the gateway accept them)", async () => {
    const keysDir = temporary("tearline-typ-keys-");
    const token = await signDevToken({ keysDir, nation: "GBR", clearance: "SECRET", purposes: ["CT"], ttlSeconds: 60 });
    expect(decodeProtectedHeader(token).typ).toBe("at+jwt");
  });
});
