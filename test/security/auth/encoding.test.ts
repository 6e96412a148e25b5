import { beforeAll, describe, expect, it } from "vitest";
import { isCanonicalCompactJws, isCanonicalSegment } from "../../../gateway/auth/compact-token.js";
import { temporaryFolders } from "../../support/temporary-folders.js";
import { type TestAuthenticator, testAuthenticator } from "../../support/test-authenticator.js";
import { createTestKey, fileIssuer, signToken, type TestKey, tokenClaims, writeJwksFile } from "../../support/tokens.js";

// One token, one spelling. A lenient base64url decoder reads padding, the other alphabet's characters and a last
// character changed within its unused bits as the same bytes: a stolen token would have many spellings, each a new
// entry in the verified-token cache and a "different" token that still verifies.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const temporary = temporaryFolders();
let key: TestKey;
let gateway: TestAuthenticator;

beforeAll(async () => {
  key = await createTestKey();
  gateway = testAuthenticator(fileIssuer("GBR", await writeJwksFile(temporary("tearline-encoding-"), "gbr.json", [key])));
});

const send = (token: string) => gateway.send(token);
const segments = (token: string) => token.split(".") as [string, string, string];
/** The segment with its last character's unused bits set: the same bytes to a lenient decoder. */
const lastCharWithUnusedBits = (segment: string) => {
  const unused = segment.length % 4 === 2 ? 0b1111 : 0b11;
  return segment.slice(0, -1) + ALPHABET[ALPHABET.indexOf(segment.at(-1)!) | unused];
};
/** A token whose signature holds `-` or `_`, so that the other alphabet's `+` or `/` can stand in for it. */
async function tokenWithUrlSafeCharacter(): Promise<string> {
  for (;;) {
    const token = await signToken(key, tokenClaims("GBR"));
    if (/[-_]/.test(segments(token)[2])) return token;
  }
}

describe("a token spelt in anything but canonical base64url", () => {
  const variants: Array<[string, (token: string) => string]> = [
    ["== after the signature", (t) => `${t}==`],
    ["= after the signature", (t) => `${t}=`],
    ["padding after the header", (t) => t.replace(".", "==.")],
    [
      "the signature's last character changed within its unused bits",
      (t) => {
        const [header, payload, signature] = segments(t);
        return `${header}.${payload}.${lastCharWithUnusedBits(signature)}`;
      },
    ],
    [
      "+ or / in place of - or _",
      (t) => {
        const [header, payload, signature] = segments(t);
        return `${header}.${payload}.${signature.replace("-", "+").replace("_", "/")}`;
      },
    ],
    ["a fourth segment", (t) => `${t}.`],
    ["an empty signature", (t) => t.slice(0, t.lastIndexOf(".") + 1)],
  ];

  it.each(variants)("refuses %s with 401, before verification, and the token itself still passes", async (_name, spell) => {
    const token = await tokenWithUrlSafeCharacter();
    gateway.logged.length = 0;
    const respelt = spell(token);
    expect(respelt).not.toBe(token);
    await expect(send(respelt)).rejects.toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    // (Padding inside the token is not even a Bearer credential's grammar, RFC 6750 2.1.)
    expect(gateway.logged).toEqual([
      expect.stringMatching(/^(token is not a compact JWS in canonical base64url|Authorization header is not a Bearer token)$/),
    ]);
    await expect(send(token)).resolves.toMatchObject({ nation: "GBR" });
  });

  it("caches a token once, however many spellings are tried", async () => {
    const token = await tokenWithUrlSafeCharacter();
    const before = gateway.authenticate.tokenCache.size;
    await send(token);
    for (const [, spell] of variants) await send(spell(token)).catch(() => undefined);
    await send(token);
    expect(gateway.authenticate.tokenCache.size).toBe(before + 1);
  });
});

describe("canonical base64url (pure)", () => {
  it.each([
    ["AAAA", true],
    ["AA", true],
    ["AQ", true], // Q = 010000: the set bit is a data bit
    ["AB", false], // B = 000001: one of the 4 unused bits set
    ["AR", false],
    ["AAE", true], // E = 000100: a data bit
    ["AAB", false], // one of the 2 unused bits set
    ["AAC", false],
    ["A", false], // one character cannot end a byte
    ["AA==", false],
    ["A+/A", false],
    ["A-_A", true],
    ["", false],
    ["AA A", false],
  ])("%j is canonical: %s", (segment, canonical) => {
    expect(isCanonicalSegment(segment)).toBe(canonical);
  });

  it("wants exactly three canonical segments", () => {
    expect(isCanonicalCompactJws("AA.AA.AA")).toBe(true);
    expect(isCanonicalCompactJws("AA.AA")).toBe(false);
    expect(isCanonicalCompactJws("AA.AA.AA.AA")).toBe(false);
    expect(isCanonicalCompactJws("AA.AA.AB")).toBe(false);
  });
});
