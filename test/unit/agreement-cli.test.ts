import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AgreementDocument } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { readAgreementDocument, readSignedAgreements } from "../../scripts/agreement/document-file.js";
import { agreementJwksPath, agreementPrivateKeyPath } from "../../scripts/agreement/keys.js";
import { agreement, agreementFolders, current, dataRoot, file, fra, gbr, keysDir, YEAR } from "../support/agreement-cli.js";

// The operator's command making its changes, and writing them safely. Its refusals are in
// agreement-cli-refusals.test.ts, its lock in agreement-cli-one-at-a-time.test.ts.

const DAY_MS = 86_400_000;

agreementFolders();

describe("npm run agreement: changes", () => {
  it("shows the default document as a table, with its version, issue time and file", async () => {
    const { code, stdout, stderr } = await fra("show");
    expect([code, stderr]).toEqual([0, ""]);
    const document = await current();
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `FRA sharing agreements, version 1, issued ${new Date(document.issuedAt).toISOString().replace(/\.\d{3}Z$/, "Z")}`,
    );
    expect(lines[1]).toContain(`file ${file}`);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(["partner", "status", "ceiling", "purposes", "covers", "valid from", "expires"]);
    const rows = lines.slice(4).map((line) => line.split(/\s{2,}/));
    expect(rows.map((row) => row.slice(0, 5))).toEqual(
      ["DEU", "EST", "GBR"].map((partner) => [
        partner,
        "ACTIVE",
        "TOP_SECRET",
        "CP,CT,CYBER,HUMINT,OSINT,POLICY,SIGINT,TRAINING",
        "every type",
      ]),
    );
  });

  it("pauses and resumes a partner, one version each, and a repeated pause changes nothing", async () => {
    const before = Date.now();
    const paused = await fra("pause", "GBR");
    expect([paused.code, paused.stdout.trim(), paused.stderr]).toEqual([0, "FRA agreements version 2: GBR paused", ""]);
    const document = await current();
    expect([document.version, document.partners.get("GBR")?.status, document.partners.get("DEU")?.status]).toEqual([2, "PAUSED", "ACTIVE"]);
    expect(document.issuedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    const signed = readFileSync(file, "utf8");
    const again = await fra("pause", "GBR");
    expect([again.code, again.stdout]).toEqual([0, "FRA agreements version 2: nothing to change, the document already says so\n"]);
    expect(readFileSync(file, "utf8")).toBe(signed);

    const resumed = await fra("resume", "GBR");
    expect(resumed.stdout.trim()).toBe("FRA agreements version 3: GBR resumed");
    expect([(await current()).version, (await gbr())?.status]).toEqual([3, "ACTIVE"]);
  });

  it("sets only the terms given on an existing entry; a date alone expires at the end of that day (UTC)", async () => {
    const before = (await gbr())!;
    const set = await fra("set", "GBR", "--ceiling", "SECRET", "--purposes", "ct,CYBER", "--expires", `${YEAR}-06-30`);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(
      /^FRA agreements version 2: GBR ceiling TOP_SECRET → SECRET, purposes CP,CT,.* → CT,CYBER, expires .* → .*Z\n$/,
    );
    const after = (await gbr())!;
    expect(after).toEqual({ ...before, ceiling: "SECRET", purposes: new Set(["CT", "CYBER"]), expires: Date.UTC(YEAR, 6, 1) });

    await fra("set", "GBR", "--valid-from", `${YEAR}-01-15`, "--covers", "ThreatActor,Assessment.summary");
    const narrowed = (await gbr())!;
    expect(narrowed).toEqual({ ...after, validFrom: Date.UTC(YEAR, 0, 15), covers: new Set(["ThreatActor", "Assessment.summary"]) });
    expect((await current()).version).toBe(3);

    await fra("set", "GBR", "--covers", "*", "--expires", `${YEAR}-03-01T12:30:00+02:00`);
    const widened = (await gbr())!;
    expect(widened).toEqual({ ...narrowed, covers: null, expires: Date.UTC(YEAR, 2, 1, 10, 30) });

    // A date-time with an offset whose UTC instant falls on the day before (or after) the date written.
    const instants: Array<[string, number]> = [
      [`${YEAR}-06-30T01:00+02:00`, Date.UTC(YEAR, 5, 29, 23, 0)],
      [`${YEAR}-06-30T22:15:30.5-05:00`, Date.UTC(YEAR, 6, 1, 3, 15, 30, 500)],
      [`${YEAR}-06-30T09:00:00+0530`, Date.UTC(YEAR, 5, 30, 3, 30)],
      [`${YEAR}-02-28T23:59:59Z`, Date.UTC(YEAR, 1, 28, 23, 59, 59)],
    ];
    for (const [expires, ms] of instants) {
      const outcome = await fra("set", "GBR", "--expires", expires);
      expect([expires, outcome.code, outcome.stderr]).toEqual([expires, 0, ""]);
      expect((await gbr())?.expires).toBe(ms);
    }
  });

  it("adds a partner with ceiling, purposes and expiry, valid from now unless told", async () => {
    const before = Date.now();
    const { code, stdout } = await fra("set", "usa", "--ceiling", "confidential", "--purposes", "CT", "--expires", `${YEAR}-12-31`);
    expect([code, stdout.split(":")[0]]).toEqual([0, "FRA agreements version 2"]);
    expect(stdout).toContain("USA added, ACTIVE (CONFIDENTIAL, CT,");
    const usa = (await current()).partners.get("USA")!;
    expect(usa).toMatchObject({
      status: "ACTIVE",
      ceiling: "CONFIDENTIAL",
      purposes: new Set(["CT"]),
      covers: null,
      expires: Date.UTC(YEAR + 1, 0, 1),
    });
    expect(usa.validFrom).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(usa.validFrom).toBeLessThanOrEqual(Date.now());
  });

  it("revokes a partner: its entry is gone", async () => {
    const { code, stdout } = await fra("revoke", "GBR");
    expect([code, stdout.trim()]).toEqual([0, "FRA agreements version 2: GBR revoked (its entry is removed; it gets nothing)"]);
    expect([...(await current()).partners.keys()].sort()).toEqual(["DEU", "EST"]);
  });

  it("rotates the key: the document is re-signed with the new key only, the terms kept", async () => {
    const old = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    const oldJwks = readFileSync(agreementJwksPath(keysDir, "FRA"), "utf8");
    const { code, stdout } = await fra("rotate-key");
    expect(code).toBe(0);
    const now = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    expect(now.kid).not.toBe(old.kid);
    expect(stdout.trim()).toBe(`FRA agreements version 2: agreement key rotated, document re-signed (new key ${now.kid})`);
    expect(now.document).toEqual({ ...old.document, version: 2, issuedAt: now.document.issuedAt });
    const jwks = JSON.parse(readFileSync(agreementJwksPath(keysDir, "FRA"), "utf8"));
    expect(jwks.keys.map((key: { kid: string; alg: string; use: string; d?: string }) => [key.kid, key.alg, key.use, key.d])).toEqual([
      [now.kid, "EdDSA", "sig", undefined],
    ]);
    expect(statSync(agreementPrivateKeyPath(keysDir, "FRA")).mode & 0o777).toBe(0o600);
    // The old key set no longer verifies the new document.
    writeFileSync(agreementJwksPath(keysDir, "FRA"), oldJwks);
    await expect(readAgreementDocument(dataRoot, keysDir, "FRA")).rejects.toThrow(/not the nation's agreement key/);
  });

  it("reads DATA_ROOT and KEYS_DIR when no option names the folders", async () => {
    const { code, stdout } = await agreement(["--nation", "DEU", "show"], { DATA_ROOT: dataRoot, KEYS_DIR: keysDir }, false);
    expect([code, stdout.split("\n")[0]]).toEqual([0, expect.stringMatching(/^DEU sharing agreements, version 1,/)]);
  });
});

describe("npm run agreement: writes", () => {
  const leftovers = () => readdirSync(dirname(file)).filter((name) => name !== "agreements.jws");

  it("replaces the file whole (a new file renamed over the old), leaving no temporary file", async () => {
    const before = statSync(file).ino;
    await fra("pause", "GBR");
    expect(statSync(file).ino).not.toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it("leaves the document as it was when signing fails after the change was made", async () => {
    const signed = readFileSync(file, "utf8");
    writeFileSync(agreementPrivateKeyPath(keysDir, "FRA"), "{ not json");
    const outcome = await fra("pause", "GBR");
    expect([outcome.code, outcome.stdout, outcome.stderr]).toEqual([
      1,
      "",
      expect.stringMatching(/^agreement: .*private\.jwk\.json is not JSON\n$/),
    ]);
    expect(readFileSync(file, "utf8")).toBe(signed);
    expect(leftovers()).toEqual([]);
    expect((await gbr())?.status).toBe("ACTIVE");
  });

  it("keeps versions growing across every kind of change", async () => {
    const versions: number[] = [];
    const record = async () => versions.push((await current()).version);
    const steps: string[][] = [["pause", "GBR"], ["set", "GBR", "--ceiling", "SECRET"], ["rotate-key"], ["revoke", "DEU"]];
    for (const step of steps) {
      await fra(...step);
      await record();
    }
    expect(versions).toEqual([2, 3, 4, 5]);
    const document: AgreementDocument = await current();
    expect([...document.partners.keys()].sort()).toEqual(["EST", "GBR"]);
    expect(document.partners.get("GBR")).toMatchObject({ status: "PAUSED", ceiling: "SECRET" });
    expect(document.partners.get("EST")!.expires - document.partners.get("EST")!.validFrom).toBe(365 * DAY_MS);
  });
});
