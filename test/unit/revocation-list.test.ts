import { importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { signAgreementDocument } from "../../lib/agreement-jws.js";
import {
  parseRevocationList,
  type RevocationList,
  RevocationListRejected,
  revocationListJson,
  signRevocationList,
  verifiedRevocationList,
} from "../../lib/revocation-list.js";
import { ENTRY_KEPT_MS, revoke } from "../../scripts/revoke/commands.js";
import { nextIssuedAt } from "../../scripts/revoke/list-file.js";
import { documentOf } from "../support/agreements-fixture.js";
import { newNationKey } from "../support/nation-key.js";

const T0 = Date.parse("2026-12-01T12:00:00Z");
const gbr: RevocationList = { nation: "GBR", issuedAt: T0, revoked: new Map([["jti-1", T0 + ENTRY_KEPT_MS]]) };

async function nationKey() {
  const key = await newNationKey();
  const [jwk] = (key.jwks as { keys: JWK[] }).keys;
  const publicKey = await importJWK(jwk!, "EdDSA");
  return { ...key, keyFor: async (id: string) => (id === key.kid ? publicKey : undefined) };
}

describe("a revocation list's payload", () => {
  it("reads back what it writes", () => {
    expect(parseRevocationList(JSON.parse(JSON.stringify(revocationListJson(gbr))))).toEqual(gbr);
  });

  it.each([
    ["an unknown key", { version: 3 }, /unrecognized key/i],
    ["a zone-less issue time", { issuedAt: "2026-12-01T12:00:00" }, /issuedAt: must be an ISO 8601 date-time with its zone/],
    ["a lower-case nation", { nation: "gbr" }, /nation/],
    [
      "a jti listed twice",
      {
        revoked: [
          { jti: "a", until: "2026-12-01T13:00:00Z" },
          { jti: "a", until: "2026-12-01T14:00:00Z" },
        ],
      },
      /revoked\.1\.jti: listed twice/,
    ],
    ["a jti with a space", { revoked: [{ jti: "a b", until: "2026-12-01T13:00:00Z" }] }, /revoked\.0\.jti/],
    ["an entry without its time", { revoked: [{ jti: "a" }] }, /revoked\.0\.until/],
  ])("refuses %s", (_name, change, message) => {
    const payload = { ...revocationListJson(gbr), ...change };
    expect(() => parseRevocationList(payload)).toThrow(RevocationListRejected);
    expect(() => parseRevocationList(payload)).toThrow(message);
  });
});

describe("a signed revocation list", () => {
  it("verifies with the nation's key, and names the key that signed it", async () => {
    const key = await nationKey();
    const jws = await signRevocationList(gbr, key.privateKey, key.kid);
    await expect(verifiedRevocationList(jws, "GBR", key.keyFor)).resolves.toEqual({ list: gbr, kid: key.kid });
  });

  it("is refused for another nation, with another key, or edited", async () => {
    const [key, other] = await Promise.all([nationKey(), nationKey()]);
    const jws = await signRevocationList(gbr, key.privateKey, key.kid);
    await expect(verifiedRevocationList(jws, "FRA", key.keyFor)).rejects.toThrow("list is for another nation");
    await expect(verifiedRevocationList(jws, "GBR", other.keyFor)).rejects.toThrow("not the nation's agreement key");
    const [header, , signature] = jws.split(".");
    const emptied = Buffer.from(JSON.stringify({ ...revocationListJson(gbr), revoked: [] })).toString("base64url");
    await expect(verifiedRevocationList(`${header}.${emptied}.${signature}`, "GBR", key.keyFor)).rejects.toThrow(
      "signature does not verify",
    );
  });

  it("is never an agreements document signed with the same key, nor the other way round", async () => {
    const key = await nationKey();
    const agreements = await signAgreementDocument(documentOf("GBR", {}, 1), key.privateKey, key.kid);
    await expect(verifiedRevocationList(agreements, "GBR", key.keyFor)).rejects.toThrow("not a revocation list (typ)");
  });
});

describe("revoking (the command's pure part)", () => {
  it("adds each new jti for ENTRY_KEPT_MS, issued after the list it replaces", () => {
    const change = revoke(gbr, "GBR", ["jti-2", "jti-1"], T0 + 1000);
    expect(change?.list.revoked).toEqual(
      new Map([
        ["jti-1", T0 + ENTRY_KEPT_MS],
        ["jti-2", T0 + 1000 + ENTRY_KEPT_MS],
      ]),
    );
    expect(change?.list.issuedAt).toBe(T0 + 1000);
    expect(change?.summary).toBe(
      "GBR revocation list of 2026-12-01T12:00:01Z: 1 token revoked (jti-2), 1 token already listed, 2 tokens listed",
    );
  });

  it("removes entries past their time, and changes nothing when there is nothing to change", () => {
    expect(revoke(gbr, "GBR", ["jti-1"], T0 + 1000)).toBeUndefined();
    const later = revoke(gbr, "GBR", ["jti-3"], T0 + ENTRY_KEPT_MS);
    expect([...(later?.list.revoked.keys() ?? [])]).toEqual(["jti-3"]);
    expect(later?.summary).toMatch(/1 expired entry removed/);
  });

  it("starts a list from nothing, and always issues after the previous list, whatever the clock says", () => {
    expect(revoke(undefined, "EST", ["x"], T0)?.list).toEqual({
      nation: "EST",
      issuedAt: T0,
      revoked: new Map([["x", T0 + ENTRY_KEPT_MS]]),
    });
    expect(nextIssuedAt(gbr, T0 - 60_000)).toBe(T0 + 1);
    expect(nextIssuedAt(gbr, T0)).toBe(T0 + 1);
  });

  it("keeps an entry longer than any token the gateway accepts can live (1 h, 30 s of tolerance either side)", () => {
    expect(ENTRY_KEPT_MS).toBeGreaterThan((3600 + 60) * 1000);
  });
});
