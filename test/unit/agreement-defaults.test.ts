import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyDocumentError } from "@tearline/policy";
import { calculateJwkThumbprint } from "jose";
import { describe, expect, it } from "vitest";
import { DEFAULT_PURPOSES_FILE, loadPurposesFile } from "../../lib/policy-files.js";
import { ensureDefaultAgreements } from "../../scripts/agreement/defaults.js";
import { AgreementFileError, agreementDocumentPath, readAgreementDocument } from "../../scripts/agreement/document-file.js";
import { agreementJwksPath, agreementPrivateKeyPath, loadOrCreateAgreementKey, rotateAgreementKey } from "../../scripts/agreement/keys.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const DAY_MS = 86_400_000;
/** Every temporary folder of the current test, removed after it. */
const temporary = temporaryFolders();
const folders = () => ({ dataRoot: temporary("tearline-defaults-data-"), keysDir: temporary("tearline-defaults-keys-") });
const jwksOf = (keysDir: string, nation: string) => JSON.parse(readFileSync(agreementJwksPath(keysDir, nation), "utf8"));

describe("the purpose registry", () => {
  it("lists every purpose code in use, each with a one-line description", () => {
    const purposes = loadPurposesFile();
    expect([...purposes.keys()]).toEqual(["CT", "CYBER", "CP", "HUMINT", "SIGINT", "OSINT", "POLICY", "TRAINING"]);
    for (const description of purposes.values()) expect(description).toMatch(/^\S[^\n]*$/);
    expect(loadPurposesFile(DEFAULT_PURPOSES_FILE)).toEqual(purposes);
  });

  it("refuses a malformed registry, naming the file and each bad entry", () => {
    const file = join(temporary("tearline-purposes-"), "purposes.json");
    const refusal = (content: string) => {
      writeFileSync(file, content);
      try {
        loadPurposesFile(file);
      } catch (error) {
        expect(error).toBeInstanceOf(PolicyDocumentError);
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(refusal('{"CT": "Counter-terrorism", "C_2": "Command and control"}')).toBe("accepted");
    expect(refusal('{"ct": "lower case", "1X": "digit first", "CT": ""}')).toBe(
      `Invalid purposes file ${file}:\n  - "ct" is not a purpose code (capitals, digits and _, from a capital)\n  - "1X" is not a purpose code (capitals, digits and _, from a capital)\n  - CT: the description must be one non-empty line`,
    );
    expect(refusal('{"CT": "two\\nlines"}')).toMatch(/CT: the description must be one non-empty line$/);
    expect(refusal('{"CT": 1}')).toMatch(/CT: the description must be one non-empty line$/);
    expect(refusal("{}")).toMatch(/it names no purpose$/);
    expect(refusal('["CT"]')).toMatch(/must be an object of purpose code → description$/);
    expect(refusal("{")).toMatch(new RegExp(`^purposes file ${file} cannot be read as JSON`));
  });
});

describe("agreement keys", () => {
  it("are created once, private at 0600, public as a JWKS of the current key with its RFC 7638 kid", async () => {
    const { keysDir } = folders();
    const [first, second] = await Promise.all([loadOrCreateAgreementKey(keysDir, "FRA"), loadOrCreateAgreementKey(keysDir, "FRA")]);
    expect(second.kid).toBe(first.kid);
    expect((await loadOrCreateAgreementKey(keysDir, "FRA")).kid).toBe(first.kid);
    expect(statSync(agreementPrivateKeyPath(keysDir, "FRA")).mode & 0o777).toBe(0o600);
    const { keys } = jwksOf(keysDir, "FRA");
    expect(keys).toEqual([{ kty: "OKP", crv: "Ed25519", x: expect.any(String), kid: first.kid, alg: "EdDSA", use: "sig" }]);
    expect(await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: keys[0].x })).toBe(first.kid);
    expect(readdirSync(join(keysDir, "agreements", "FRA")).sort()).toEqual(["jwks.json", "private.jwk.json"]);
  });

  it("rotate: the JWKS names both keys while the document is re-signed; then the new key replaces the old one, in the private file and the JWKS", async () => {
    const { keysDir } = folders();
    const old = await loadOrCreateAgreementKey(keysDir, "DEU");
    const oldPrivate = readFileSync(agreementPrivateKeyPath(keysDir, "DEU"), "utf8");
    const during: Array<{ kid: string; published: string[]; privateFile: string }> = [];
    const rotated = await rotateAgreementKey(keysDir, "DEU", async (key) => {
      during.push({
        kid: key.kid,
        published: jwksOf(keysDir, "DEU").keys.map((jwk: { kid: string }) => jwk.kid),
        privateFile: readFileSync(agreementPrivateKeyPath(keysDir, "DEU"), "utf8"),
      });
    });
    expect(during).toEqual([{ kid: rotated.kid, published: [old.kid, rotated.kid], privateFile: oldPrivate }]);
    expect(rotated.kid).not.toBe(old.kid);
    expect((await loadOrCreateAgreementKey(keysDir, "DEU")).kid).toBe(rotated.kid);
    expect(jwksOf(keysDir, "DEU").keys.map((key: { kid: string }) => key.kid)).toEqual([rotated.kid]);
    expect(statSync(agreementPrivateKeyPath(keysDir, "DEU")).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(keysDir, "agreements", "DEU")).sort()).toEqual(["jwks.json", "private.jwk.json"]);
  });

  it("rotate: when re-signing fails, the old private key stays and the JWKS still names it", async () => {
    const { keysDir } = folders();
    const old = await loadOrCreateAgreementKey(keysDir, "DEU");
    const oldPrivate = readFileSync(agreementPrivateKeyPath(keysDir, "DEU"), "utf8");
    await expect(
      rotateAgreementKey(keysDir, "DEU", async () => {
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(readFileSync(agreementPrivateKeyPath(keysDir, "DEU"), "utf8")).toBe(oldPrivate);
    expect(jwksOf(keysDir, "DEU").keys.map((jwk: { kid: string }) => jwk.kid)).toContain(old.kid);
    expect((await loadOrCreateAgreementKey(keysDir, "DEU")).kid).toBe(old.kid);
  });

  it("republish the JWKS when it lags behind the private key", async () => {
    const { keysDir } = folders();
    const key = await loadOrCreateAgreementKey(keysDir, "EST");
    writeFileSync(agreementJwksPath(keysDir, "EST"), '{"keys":[]}');
    await loadOrCreateAgreementKey(keysDir, "EST");
    expect(jwksOf(keysDir, "EST").keys.map((jwk: { kid: string }) => jwk.kid)).toEqual([key.kid]);
  });
});

describe("ensureDefaultAgreements", () => {
  const nations = ["GBR", "FRA", "DEU", "EST"];

  it("gives each nation a signed document that releases everything to every other nation for a year", async () => {
    const { dataRoot, keysDir } = folders();
    const now = Date.UTC(2026, 10, 25, 10, 0, 0, 123);
    await ensureDefaultAgreements({ dataRoot, keysDir, nations, now });
    for (const nation of nations) {
      const document = (await readAgreementDocument(dataRoot, keysDir, nation))!;
      expect([document.nation, document.version, document.issuedAt]).toEqual([nation, 1, now]);
      const others = nations.filter((other) => other !== nation).sort();
      expect([...document.partners.keys()].sort()).toEqual(others);
      for (const terms of document.partners.values()) {
        expect(terms).toEqual({
          status: "ACTIVE",
          validFrom: now,
          expires: now + 365 * DAY_MS,
          ceiling: "TOP_SECRET",
          purposes: new Set(loadPurposesFile().keys()),
          covers: null,
        });
      }
    }
  });

  it("keeps a document already there, byte for byte, and only adds the missing ones", async () => {
    const { dataRoot, keysDir } = folders();
    await ensureDefaultAgreements({ dataRoot, keysDir, nations: ["FRA", "GBR"] });
    const fra = readFileSync(agreementDocumentPath(dataRoot, "FRA"), "utf8");
    await ensureDefaultAgreements({ dataRoot, keysDir, nations, now: Date.now() + DAY_MS });
    expect(readFileSync(agreementDocumentPath(dataRoot, "FRA"), "utf8")).toBe(fra);
    expect((await readAgreementDocument(dataRoot, keysDir, "DEU"))?.partners.has("FRA")).toBe(true);
  });

  it("stops at a document that does not verify, naming it, instead of replacing it", async () => {
    const { dataRoot, keysDir } = folders();
    await ensureDefaultAgreements({ dataRoot, keysDir, nations });
    const fraFile = agreementDocumentPath(dataRoot, "FRA");
    writeFileSync(fraFile, readFileSync(agreementDocumentPath(dataRoot, "GBR"), "utf8"));
    const attempt = ensureDefaultAgreements({ dataRoot, keysDir, nations });
    await expect(attempt).rejects.toBeInstanceOf(AgreementFileError);
    await expect(attempt).rejects.toThrow(
      /FRA.*agreements\.jws is not FRA's signed agreements: .* \(restore FRA's agreement key, or delete the file/,
    );
    expect(readFileSync(fraFile, "utf8")).toBe(readFileSync(agreementDocumentPath(dataRoot, "GBR"), "utf8"));
  });

  it("refuses to re-sign the defaults for a nation whose data directory was wiped but whose agreement key is there", async () => {
    const { dataRoot, keysDir } = folders();
    await ensureDefaultAgreements({ dataRoot, keysDir, nations });
    const fraKey = readFileSync(agreementPrivateKeyPath(keysDir, "FRA"), "utf8");
    rmSync(join(dataRoot, "FRA"), { recursive: true });
    const attempt = ensureDefaultAgreements({ dataRoot, keysDir, nations });
    await expect(attempt).rejects.toBeInstanceOf(AgreementFileError);
    await expect(attempt).rejects.toThrow(
      `agreements document ${agreementDocumentPath(dataRoot, "FRA")} is missing but FRA's agreement key ${agreementPrivateKeyPath(keysDir, "FRA")} exists: restore the document, or remove the key folder to start over with default agreements`,
    );
    // Nothing written: no document, no data directory, the key as it was.
    expect(existsSync(join(dataRoot, "FRA"))).toBe(false);
    expect(readFileSync(agreementPrivateKeyPath(keysDir, "FRA"), "utf8")).toBe(fraKey);
    // The whole data root wiped: the same refusal, at the first nation.
    rmSync(dataRoot, { recursive: true });
    await expect(ensureDefaultAgreements({ dataRoot, keysDir, nations })).rejects.toThrow(
      /agreements document .*GBR.* is missing but GBR's agreement key/,
    );
    // With the key folder removed as well, the nation starts over from the defaults.
    rmSync(join(keysDir, "agreements"), { recursive: true });
    await ensureDefaultAgreements({ dataRoot, keysDir, nations });
    for (const nation of nations) expect((await readAgreementDocument(dataRoot, keysDir, nation))?.version).toBe(1);
  });

  it("waits for, and then keeps, the defaults another start is writing at the same time", async () => {
    const { dataRoot, keysDir } = folders();
    await Promise.all([1, 2, 3].map(() => ensureDefaultAgreements({ dataRoot, keysDir, nations })));
    for (const nation of nations) expect((await readAgreementDocument(dataRoot, keysDir, nation))?.version).toBe(1);
    expect(readdirSync(join(dataRoot, "FRA"))).toEqual(["agreements.jws"]);
  });
});
