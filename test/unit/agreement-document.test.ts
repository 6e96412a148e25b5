import { agreementDocumentJson, agreementVersions, PolicyDocumentError, parseAgreementDocument } from "@tearline/policy";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AGREEMENT_TYP,
  AgreementRejected,
  agreementKeysOf,
  signAgreementDocument,
  verifyAgreementDocument,
} from "../../lib/agreement-jws.js";
import { documentOf } from "../support/agreements-fixture.js";

const VALID = {
  nation: "FRA",
  version: 3,
  issuedAt: "2026-11-25T10:00:00.000Z",
  partners: {
    GBR: {
      status: "ACTIVE",
      validFrom: "2026-01-01T00:00:00.000Z",
      expires: "2027-07-01T00:00:00.000Z",
      ceiling: "SECRET",
      purposes: ["CT", "CYBER"],
      covers: ["Assessment.summary", "ThreatActor"],
    },
    DEU: {
      status: "PAUSED",
      validFrom: "2026-01-01T00:00:00.000Z",
      expires: "2027-01-01T00:00:00.000Z",
      ceiling: "TOP_SECRET",
      purposes: ["CT"],
    },
  },
};

describe("reading an agreements document", () => {
  it("reads every term, and writes back the same payload, partners in code order", () => {
    const document = parseAgreementDocument(VALID);
    expect(document).toMatchObject({ nation: "FRA", version: 3, issuedAt: Date.parse(VALID.issuedAt) });
    expect(document.partners.get("GBR")).toEqual({
      status: "ACTIVE",
      validFrom: Date.parse("2026-01-01T00:00:00Z"),
      expires: Date.parse("2027-07-01T00:00:00Z"),
      ceiling: "SECRET",
      purposes: new Set(["CT", "CYBER"]),
      covers: new Set(["Assessment.summary", "ThreatActor"]),
    });
    expect(document.partners.get("DEU")?.covers).toBeNull();
    const json = agreementDocumentJson(document);
    expect(Object.keys(json.partners as object)).toEqual(["DEU", "GBR"]);
    expect(parseAgreementDocument(json)).toEqual(document);
  });

  const gbr = VALID.partners.GBR;
  it.each([
    ["not an object", [], "agreements: must be an object"],
    ["a bad nation", { ...VALID, nation: "France" }, "nation: must be an ISO 3166 alpha-3 code"],
    ["version 0", { ...VALID, version: 0 }, "version: must be a whole number from 1"],
    ["a fractional version", { ...VALID, version: 1.5 }, "version: must be a whole number from 1"],
    ["an issuedAt that is not a date-time", { ...VALID, issuedAt: "yesterday" }, "issuedAt: must be an ISO 8601 date-time"],
    ["partners not an object", { ...VALID, partners: [] }, "partners: must be an object by nation code"],
    ["a partner that is not a nation code", { ...VALID, partners: { Britain: gbr } }, "partners: Britain is not an ISO 3166 alpha-3 code"],
    ["the nation itself as a partner", { ...VALID, partners: { FRA: gbr } }, "partners: FRA is the document's own nation"],
    ["an unknown status", { ...VALID, partners: { GBR: { ...gbr, status: "OPEN" } } }, "partners.GBR.status: must be ACTIVE or PAUSED"],
    ["no expiry", { ...VALID, partners: { GBR: { ...gbr, expires: undefined } } }, "partners.GBR.expires: must be an ISO 8601 date-time"],
    [
      "expiry before start",
      { ...VALID, partners: { GBR: { ...gbr, expires: "2025-01-01T00:00:00Z" } } },
      "partners.GBR: expires must be after validFrom",
    ],
    [
      "an unknown ceiling",
      { ...VALID, partners: { GBR: { ...gbr, ceiling: "COSMIC" } } },
      "partners.GBR.ceiling: must be a classification level",
    ],
    [
      "no purposes",
      { ...VALID, partners: { GBR: { ...gbr, purposes: [] } } },
      "partners.GBR.purposes: must list at least one purpose code",
    ],
    [
      "a malformed purpose",
      { ...VALID, partners: { GBR: { ...gbr, purposes: ["ct"] } } },
      "partners.GBR.purposes: ct must each be a purpose code",
    ],
    [
      "a purpose with junk before or after it",
      { ...VALID, partners: { GBR: { ...gbr, purposes: ["x-CT", "CT x"] } } },
      "partners.GBR.purposes: x-CT, CT x must each be a purpose code",
    ],
    [
      "a date-time with junk before or after it",
      { ...VALID, partners: { GBR: { ...gbr, validFrom: "on 2026-01-01T00:00:00Z", expires: "2027-01-01T00:00:00Z!" } } },
      "partners.GBR.validFrom: must be an ISO 8601 date-time",
    ],
    [
      "a malformed cover",
      { ...VALID, partners: { GBR: { ...gbr, covers: ["Threat Actor"] } } },
      "partners.GBR.covers: Threat Actor must each be a Type or Type.field",
    ],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseAgreementDocument(input)).toThrow(PolicyDocumentError);
    expect(() => parseAgreementDocument(input)).toThrow(message);
  });
});

describe("reading an agreements document: exact messages and edges", () => {
  const gbr = VALID.partners.GBR;
  const refusal = (input: unknown, ...problems: string[]) =>
    expect(() => parseAgreementDocument(input)).toThrow(new PolicyDocumentError(`Invalid agreements:\n  - ${problems.join("\n  - ")}`));

  it("names every problem, each exactly, in order", () => {
    refusal(
      { ...VALID, extra: 1, nation: 7, version: "3", issuedAt: 0, partners: { GBR: { ...gbr, coverz: [], covers2: [] }, DEU: null } },
      "agreements: unknown key extra",
      "nation: must be an ISO 3166 alpha-3 code",
      "version: must be a whole number from 1 to 1000000000",
      "issuedAt: must be an ISO 8601 date-time with its zone (Z or an offset)",
      "partners.GBR: unknown keys coverz, covers2",
      "partners.DEU: must be an object",
    );
    refusal({ ...VALID, partners: { GBR: ["ACTIVE"] } }, "partners.GBR: must be an object");
    refusal({ ...VALID, partners: null }, "partners: must be an object by nation code");
    refusal(
      { ...VALID, partners: { GBR: { ...gbr, purposes: ["CT", 7], validFrom: 5 } } },
      "partners.GBR.validFrom: must be an ISO 8601 date-time with its zone (Z or an offset)",
      "partners.GBR.purposes: 7 must each be a purpose code",
    );
    refusal({ ...VALID, partners: { GBR: { ...gbr, purposes: "CT" } } }, "partners.GBR.purposes: must list at least one purpose code");
    expect(() => parseAgreementDocument(null)).toThrow(
      new PolicyDocumentError("agreements: must be an object with nation, version, issuedAt and partners"),
    );
    expect(() => parseAgreementDocument("FRA")).toThrow(PolicyDocumentError);
  });

  it("takes versions from 1 to 10^9, and refuses a window that ends where it starts", () => {
    expect(parseAgreementDocument({ ...VALID, version: 1 }).version).toBe(1);
    expect(parseAgreementDocument({ ...VALID, version: 1_000_000_000 }).version).toBe(1_000_000_000);
    refusal({ ...VALID, version: 1_000_000_001 }, "version: must be a whole number from 1 to 1000000000");
    refusal({ ...VALID, partners: { GBR: { ...gbr, expires: gbr.validFrom } } }, "partners.GBR: expires must be after validFrom");
    const offset = parseAgreementDocument({ ...VALID, issuedAt: "2026-11-25T12:00:00+02:00" });
    expect(offset.issuedAt).toBe(Date.parse("2026-11-25T10:00:00Z"));
    expect(parseAgreementDocument({ ...VALID, partners: {} }).partners.size).toBe(0);
  });

  it("names the versions in force the same way whatever the order", () => {
    const book = new Map([
      ["FRA", documentOf("FRA", {}, 7)],
      ["DEU", documentOf("DEU", {}, 3)],
    ]);
    expect(agreementVersions(book)).toBe("DEU:3,FRA:7");
    expect(agreementVersions(new Map())).toBe("");
  });
});

describe("signed agreements documents", () => {
  let signing: { privateKey: CryptoKey; kid: string; jwk: JWK };
  let other: { privateKey: CryptoKey; kid: string; jwk: JWK };
  const keyPair = async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: "EdDSA" };
    return { privateKey: privateKey as CryptoKey, kid: await calculateJwkThumbprint(jwk), jwk };
  };
  const keyFor =
    (...keys: Array<{ kid: string; jwk: JWK }>) =>
    async (kid: string) => {
      const found = keys.find((key) => key.kid === kid);
      return found ? ((await importJWK(found.jwk, "EdDSA")) as CryptoKey) : undefined;
    };
  const fra = documentOf("FRA", { GBR: { expires: Date.parse("2027-01-01T00:00:00Z") } }, 4);

  beforeAll(async () => {
    signing = await keyPair();
    other = await keyPair();
  });

  it("verifies a document signed with the nation's agreement key", async () => {
    const jws = await signAgreementDocument(fra, signing.privateKey, signing.kid);
    const document = await verifyAgreementDocument(jws, "FRA", keyFor(signing));
    expect(document.version).toBe(4);
    expect(document.partners.get("GBR")?.status).toBe("ACTIVE");
  });

  const refused = async (jws: string, nation: string, keys: (kid: string) => Promise<CryptoKey | undefined>, message: string) => {
    const attempt = verifyAgreementDocument(jws, nation, keys);
    await expect(attempt).rejects.toBeInstanceOf(AgreementRejected);
    await expect(verifyAgreementDocument(jws, nation, keys)).rejects.toThrow(message);
  };

  it("refuses a document signed by another key, even one named by the right kid", async () => {
    await refused(await signAgreementDocument(fra, other.privateKey, other.kid), "FRA", keyFor(signing), "not the nation's agreement key");
    await refused(await signAgreementDocument(fra, other.privateKey, signing.kid), "FRA", keyFor(signing), "signature does not verify");
  });

  it("refuses an edited payload: a PAUSED entry turned ACTIVE without signing again", async () => {
    const paused = documentOf("FRA", { GBR: { status: "PAUSED", expires: Date.parse("2027-01-01T00:00:00Z") } }, 5);
    const [header, payload, signature] = (await signAgreementDocument(paused, signing.privateKey, signing.kid)).split(".");
    const edited = Buffer.from(Buffer.from(payload!, "base64url").toString().replace('"PAUSED"', '"ACTIVE"')).toString("base64url");
    await refused(`${header}.${edited}.${signature}`, "FRA", keyFor(signing), "signature does not verify");
  });

  it("refuses a document for another nation", async () => {
    await refused(
      await signAgreementDocument(fra, signing.privateKey, signing.kid),
      "DEU",
      keyFor(signing),
      "document is for another nation",
    );
  });

  it("refuses an access token signed with the agreement key, and an agreements document signed with a token key", async () => {
    const token = await new SignJWT({ nation: "FRA" })
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid: signing.kid })
      .sign(signing.privateKey);
    await refused(token, "FRA", keyFor(signing), "not an agreements document (typ)");
    const { privateKey: tokenKey } = await generateKeyPair("ES256");
    const es256 = await new SignJWT(agreementDocumentJson(fra))
      .setProtectedHeader({ alg: "ES256", typ: AGREEMENT_TYP, kid: signing.kid })
      .sign(tokenKey);
    await refused(es256, "FRA", keyFor(signing), "unexpected signature algorithm");
  });

  it("refuses what is not a compact JWS, and a signed payload that is not a valid document", async () => {
    await refused("not-a-jws", "FRA", keyFor(signing), "not a compact JWS");
    const garbage = await new SignJWT({ nation: "FRA", version: "new" })
      .setProtectedHeader({ alg: "EdDSA", typ: AGREEMENT_TYP, kid: signing.kid })
      .sign(signing.privateKey);
    await refused(garbage, "FRA", keyFor(signing), "version: must be a whole number from 1");
  });

  it("takes only Ed25519 public keys with a kid from a key set", () => {
    const keys = agreementKeysOf({
      keys: [
        { ...signing.jwk, kid: "a" },
        { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "b" },
        { ...signing.jwk, kid: "c", d: "private" },
        { ...signing.jwk },
      ],
    });
    expect([...keys.keys()]).toEqual(["a"]);
    expect(agreementKeysOf(null).size).toBe(0);
  });
});
