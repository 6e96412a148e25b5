import { execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AgreementDocument } from "@tearline/policy";
import { beforeEach, describe, expect, it } from "vitest";
import { ensureDefaultAgreements } from "../../scripts/agreement/defaults.js";
import {
  agreementDocumentPath,
  readAgreementDocument,
  readSignedAgreements,
  writeSignedDocument,
} from "../../scripts/agreement/document-file.js";
import { agreementJwksPath, agreementPrivateKeyPath, rotateAgreementKey } from "../../scripts/agreement/keys.js";
import { agreementLockPath } from "../../scripts/agreement/lock.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { temporaryFolders } from "../support/temporary-folders.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const DAY_MS = 86_400_000;
/** A year that stays in the future as long as this test lives. */
const YEAR = new Date().getUTCFullYear() + 2;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

let dataRoot: string;
let keysDir: string;
let file: string;

/** The operator's command, as a separate process, on this test's folders (unless `env` names others). */
function agreement(args: string[], env: NodeJS.ProcessEnv = {}, folders = true): Promise<Outcome> {
  const options = folders ? ["--data-root", dataRoot, "--keys-dir", keysDir] : [];
  const childEnv = { ...process.env, DATA_ROOT: "", KEYS_DIR: "", ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/agreement/main.ts", ...options, ...args],
      { cwd: ROOT, env: childEnv },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
const fra = (...args: string[]) => agreement(["--nation", "FRA", ...args]);
const current = async () => (await readAgreementDocument(dataRoot, keysDir, "FRA"))!;
const publishedKids = () =>
  (JSON.parse(readFileSync(agreementJwksPath(keysDir, "FRA"), "utf8")).keys as Array<{ kid: string }>).map((key) => key.kid);
const gbr = async () => (await current()).partners.get("GBR");

/** Every temporary folder of the current test, removed after it. */
const temporary = temporaryFolders();

beforeEach(async () => {
  dataRoot = temporary("tearline-agreement-data-");
  keysDir = temporary("tearline-agreement-keys-");
  file = agreementDocumentPath(dataRoot, "FRA");
  await ensureDefaultAgreements({ dataRoot, keysDir, nations: NATIONS });
});

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

describe("npm run agreement: refusals", () => {
  /** Runs a command that must be refused: exit 2, one line on stderr, nothing on stdout, the files as they were. */
  async function refused(args: string[], message: RegExp, withNation = true, env: NodeJS.ProcessEnv = {}, folders = true) {
    const files = [file, agreementJwksPath(keysDir, "FRA"), agreementPrivateKeyPath(keysDir, "FRA")];
    const before = files.map((path) => readFileSync(path, "utf8"));
    const outcome = await agreement(withNation ? ["--nation", "FRA", ...args] : args, env, folders);
    expect({ args, code: outcome.code, stdout: outcome.stdout, lines: outcome.stderr.trimEnd().split("\n").length }).toEqual({
      args,
      code: 2,
      stdout: "",
      lines: 1,
    });
    expect(outcome.stderr).toMatch(/^agreement: /);
    expect(outcome.stderr).toMatch(message);
    expect(files.map((path) => readFileSync(path, "utf8"))).toEqual(before);
    // A command refused after it took the nation's lock removes it all the same. Checked
    // only when no other command runs beside this one: a concurrent one may hold it now.
    if (!concurrent) expect(existsSync(agreementLockPath(dataRoot, "FRA"))).toBe(false);
  }
  /** Set while several refused commands run at once. */
  let concurrent = false;
  /** Runs refusals a few at a time, then checks that none of them left the nation's lock behind. */
  async function allRefused(run: () => Promise<unknown>) {
    concurrent = true;
    try {
      await run();
    } finally {
      concurrent = false;
    }
    expect(existsSync(agreementLockPath(dataRoot, "FRA"))).toBe(false);
  }

  it("refuses bad input, one line each, and leaves the files untouched", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["set", "GBR", "--ceiling", "ULTRA"], /--ceiling ULTRA is not a level/],
      [["set", "GBR", "--purposes", "CT,GOSSIP"], /unknown purpose GOSSIP: config\/purposes.json lists CT, CYBER/],
      [["set", "GBR", "--expires", "2020-01-01"], /--expires 2020-01-01 is in the past/],
      [["set", "GBR", "--valid-from", "2020-01-01"], /--valid-from 2020-01-01 is in the past/],
      [["set", "GBR", "--expires", `${YEAR}-02-30`], /is not a calendar date/],
      [["set", "GBR", "--expires", "next tuesday"], /is not a date/],
      [["set", "GBR", "--expires", `${YEAR}-06-30T12:00`], /is not a date .* with its zone/],
      [["set", "GBR", "--expires", `${YEAR}-06-30 12:00Z`], /is not a date .* with its zone/],
      [["set", "GBR", "--expires", `${YEAR}-02-30T12:00+02:00`], /--expires .*-02-30T12:00\+02:00 is not a calendar date/],
      [["set", "GBR", "--expires", `${YEAR}-06-30T24:00Z`], /is not a time of day/],
      [["set", "GBR", "--expires", `${YEAR}-06-30T12:60Z`], /is not a time of day/],
      [["set", "GBR", "--expires", `${YEAR}-06-30T12:00+25:00`], /has no valid offset from UTC/],
      [["set", "GBR", "--ceiling", "SECRET", "--ceiling", "CONFIDENTIAL"], /^agreement: --ceiling is given more than once$/m],
      [["set", "GBR", "--expires", `${YEAR}-06-30`, "--purposes", "CT", "--expires", `${YEAR}-07-30`], /--expires is given more than once/],
      [["pause", "GBR", "--nation", "FRA"], /--nation is given more than once/],
      [["set", "GBR", "--valid-from", `${YEAR}-12-01`, "--expires", `${YEAR}-06-30`], /--expires .* is not after --valid-from/],
      [["set", "GBR", "--valid-from", `${YEAR + 5}-01-01`], /would not be after valid from/],
      [["set", "NOR", "--ceiling", "SECRET"], /NOR has no agreement yet: a new one needs --purposes, --expires/],
      [["set", "GBR"], /set changes nothing/],
      [["set", "GBR", "--covers", "Threat Actor"], /--covers Threat Actor: each must be a Type or a Type.field/],
      [["pause", "FRA"], /FRA is the document's own nation/],
      [["set", "FRA", "--ceiling", "SECRET"], /FRA is the document's own nation/],
      [["pause", "XYZ"], /XYZ is not a known nation/],
      [["pause"], /pause needs a partner nation/],
      [["pause", "NOR"], /FRA has no agreement with NOR to pause/],
      [["resume", "NOR"], /FRA has no agreement with NOR to resume/],
      [["revoke", "NOR"], /FRA has no agreement with NOR to revoke/],
      [["dance"], /unknown command dance/],
      [[], /no command/],
      [["show", "GBR"], /show takes no argument; GBR is one too many/],
      [["pause", "GBR", "DEU"], /pause takes one partner; DEU is one too many/],
      [["pause", "GBR", "--ceiling", "SECRET"], /--ceiling only goes with set/],
      [["show", "--frobnicate"], /Unknown option '--frobnicate'$/m],
      [["set", "GBR", "--ceiling"], /argument missing/],
    ];
    // A few processes at a time: each is a Node.js with tsx.
    const queue = [...cases];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await refused(...next);
    };
    await allRefused(() => Promise.all([worker(), worker(), worker(), worker()]));
    await refused(["show"], /--nation is required/, false);
    await refused(["--nation", "XYZ", "show"], /--nation XYZ is not a nation that publishes/, false);
    expect((await current()).version).toBe(1);
  }, 240_000);

  it("refuses a data root or keys dir that is not a folder, from an option or the environment, one line each", async () => {
    const notAFolder = join(dataRoot, "FRA", "agreements.jws");
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [["--data-root", notAFolder, "--keys-dir", keysDir, "show"], {}, /^agreement: --data-root .*agreements\.jws is not a folder$/m],
      [
        ["--data-root", dataRoot, "--keys-dir", notAFolder, "pause", "GBR"],
        {},
        /^agreement: --keys-dir .*agreements\.jws is not a folder$/m,
      ],
      [["--data-root", "", "--keys-dir", keysDir, "pause", "GBR"], {}, /^agreement: --data-root is empty: it names a folder$/m],
      [["--data-root", dataRoot, "--keys-dir", " ", "show"], {}, /^agreement: --keys-dir is empty/m],
      [
        ["--data-root", `${notAFolder}/below`, "--keys-dir", keysDir, "show"],
        {},
        /^agreement: --data-root .*\/below cannot be used \(ENOTDIR\)$/m,
      ],
      [["pause", "GBR"], { DATA_ROOT: notAFolder, KEYS_DIR: keysDir }, /^agreement: DATA_ROOT .*agreements\.jws is not a folder$/m],
      [["show"], { DATA_ROOT: dataRoot, KEYS_DIR: notAFolder }, /^agreement: KEYS_DIR .*agreements\.jws is not a folder$/m],
      [["--data-root", dataRoot, "--data-root", dataRoot, "--keys-dir", keysDir, "show"], {}, /--data-root is given more than once/],
    ];
    await allRefused(() => Promise.all(cases.map(([args, env, message]) => refused(args, message, true, env, false))));
    // Many processes: a busy machine takes a while.
  }, 240_000);

  it("refuses a malformed file and a file that does not verify, and changes neither", async () => {
    writeFileSync(file, "not a signed document");
    await refused(["pause", "GBR"], /agreements.jws is not FRA's signed agreements: not a compact JWS/);
    // Signed, and well formed, but by GBR's agreement key: FRA's key set does not know it.
    writeFileSync(file, readFileSync(agreementDocumentPath(dataRoot, "GBR"), "utf8"));
    await refused(["resume", "GBR"], /not the nation's agreement key/);
  });

  it("refuses a document whose payload was edited after signing", async () => {
    await fra("pause", "GBR");
    const [header, payload, signature] = readFileSync(file, "utf8").split(".");
    const edited = Buffer.from(Buffer.from(payload!, "base64url").toString().replace('"PAUSED"', '"ACTIVE"')).toString("base64url");
    writeFileSync(file, `${header}.${edited}.${signature}`);
    await refused(["resume", "GBR"], /signature does not verify/);
    await refused(["rotate-key"], /signature does not verify/);
  });

  it("refuses when the nation has no document, and creates none", async () => {
    const empty = temporary("tearline-empty-");
    const outcome = await agreement(
      ["--nation", "FRA", "--data-root", empty, "--keys-dir", keysDir, "set", "GBR", "--ceiling", "SECRET"],
      {},
      false,
    );
    expect([outcome.code, outcome.stderr]).toEqual([2, expect.stringMatching(/^agreement: FRA has no agreements document at .*\n$/)]);
    expect(readdirSync(empty)).toEqual([]);
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

describe("npm run agreement: one command at a time", () => {
  /** The version a command's line reports: `FRA agreements version 7: ...`. */
  const versionOf = (outcome: Outcome) => Number(/^FRA agreements version (\d+): /.exec(outcome.stdout)?.[1]);

  /** A lock file as a command writes it: its process id and when it took it. */
  const writeLock = (nation: string, pid: number, ageMs: number) => {
    const path = agreementLockPath(dataRoot, nation);
    const text = `${JSON.stringify({ pid, since: new Date(Date.now() - ageMs).toISOString() })}\n`;
    writeFileSync(path, text);
    return { path, text };
  };
  /** The id of a process that has exited. */
  const deadPid = () =>
    new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["-e", ""]);
      child.once("exit", () => resolve(child.pid!));
    });

  it("runs two changes started at the same moment one after the other: both land, with consecutive versions", async () => {
    const initialKid = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!.kid;
    // Each round: two commands at once, and what the document says once both are done.
    const rounds: Array<{ commands: [string[], string[]]; after: (document: AgreementDocument) => unknown[]; expected: unknown[] }> = [
      {
        commands: [
          ["pause", "GBR"],
          ["set", "DEU", "--ceiling", "SECRET"],
        ],
        after: (d) => [d.partners.get("GBR")?.status, d.partners.get("DEU")?.ceiling],
        expected: ["PAUSED", "SECRET"],
      },
      {
        commands: [
          ["resume", "GBR"],
          ["set", "DEU", "--ceiling", "CONFIDENTIAL"],
        ],
        after: (d) => [d.partners.get("GBR")?.status, d.partners.get("DEU")?.ceiling],
        expected: ["ACTIVE", "CONFIDENTIAL"],
      },
      {
        commands: [["pause", "GBR"], ["rotate-key"]],
        after: (d) => [d.partners.get("GBR")?.status],
        expected: ["PAUSED"],
      },
      {
        commands: [
          ["set", "EST", "--purposes", "CT"],
          ["resume", "GBR"],
        ],
        after: (d) => [[...d.partners.get("EST")!.purposes], d.partners.get("GBR")?.status],
        expected: [["CT"], "ACTIVE"],
      },
      {
        commands: [
          ["revoke", "EST"],
          ["set", "DEU", "--purposes", "CYBER"],
        ],
        after: (d) => [d.partners.has("EST"), [...d.partners.get("DEU")!.purposes], d.partners.get("DEU")?.ceiling],
        expected: [false, ["CYBER"], "CONFIDENTIAL"],
      },
    ];
    let version = 1;
    for (const { commands, after, expected } of rounds) {
      // Both start while a lock is held, so that both are waiting for it when it goes: neither may
      // have finished by then, and they must not run their read-to-write steps at the same time after.
      const { path } = writeLock("FRA", process.pid, 0);
      const finished: string[] = [];
      const running = commands.map((command) => fra(...command).finally(() => finished.push(command[0]!)));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect({ commands, finished }).toEqual({ commands, finished: [] });
      unlinkSync(path);
      const outcomes = await Promise.all(running);
      expect(outcomes.map((outcome) => [outcome.code, outcome.stderr])).toEqual([
        [0, ""],
        [0, ""],
      ]);
      expect({ commands, versions: outcomes.map(versionOf).sort((a, b) => a - b) }).toEqual({
        commands,
        versions: [version + 1, version + 2],
      });
      version += 2;
      const document = await current();
      expect({ commands, version: document.version, terms: after(document) }).toEqual({ commands, version, terms: expected });
      expect(existsSync(agreementLockPath(dataRoot, "FRA"))).toBe(false);
    }
    // The rotation raced a pause and neither undid the other: the new key alone signs and is published.
    const signed = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    expect(signed.kid).not.toBe(initialKid);
    expect(publishedKids()).toEqual([signed.kid]);
    // Many processes: a busy machine takes a while.
  }, 120_000);

  it("waits about 5 s for a lock that is held, then refuses on one line, leaving that lock and the document alone", async () => {
    // FRA: held just now by a live process; DEU: held for two minutes by a live process; EST: just now by one that died.
    const locks = [
      { nation: "FRA", ...writeLock("FRA", process.pid, 0) },
      { nation: "DEU", ...writeLock("DEU", process.pid, 120_000) },
      { nation: "EST", ...writeLock("EST", await deadPid(), 0) },
    ];
    const before = locks.map(({ nation }) => readFileSync(agreementDocumentPath(dataRoot, nation), "utf8"));
    const started = performance.now();
    const outcomes = await Promise.all(locks.map(({ nation }) => agreement(["--nation", nation, "pause", "GBR"])));
    expect(performance.now() - started).toBeGreaterThan(4_500);
    expect(outcomes).toEqual(
      locks.map(({ nation, path }) => ({
        code: 2,
        stdout: "",
        stderr: `agreement: another agreement command for ${nation} is running (lock ${path}; remove it if no command is running)\n`,
      })),
    );
    expect(locks.map(({ path }) => readFileSync(path, "utf8"))).toEqual(locks.map(({ text }) => text));
    expect(locks.map(({ nation }) => readFileSync(agreementDocumentPath(dataRoot, nation), "utf8"))).toEqual(before);
    // show writes nothing and takes no lock.
    expect((await fra("show")).code).toBe(0);
  }, 60_000);

  it("takes over a lock older than a minute whose process is gone, and removes it afterwards", async () => {
    const { path } = writeLock("FRA", await deadPid(), 61_000);
    const outcome = await fra("pause", "GBR");
    expect([outcome.code, outcome.stdout.trim(), outcome.stderr]).toEqual([0, "FRA agreements version 2: GBR paused", ""]);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dirname(file))).toEqual(["agreements.jws"]);
  });

  it("a rotation whose document write fails leaves the nation working with the old key", async () => {
    const old = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    const oldPrivate = readFileSync(agreementPrivateKeyPath(keysDir, "FRA"), "utf8");
    const signed = readFileSync(file, "utf8");
    // The document write fails after the JWKS has named both keys (a full disk, say).
    await expect(
      rotateAgreementKey(keysDir, "FRA", async (key) => {
        expect(publishedKids()).toEqual([old.kid, key.kid]);
        throw new Error("ENOSPC: no space left on device");
      }),
    ).rejects.toThrow(/ENOSPC/);
    expect([readFileSync(file, "utf8"), readFileSync(agreementPrivateKeyPath(keysDir, "FRA"), "utf8")]).toEqual([signed, oldPrivate]);

    const shown = await fra("show");
    expect([shown.code, shown.stderr, shown.stdout.split("\n")[1]]).toEqual([
      0,
      "",
      expect.stringContaining(`(signed with agreement key ${old.kid})`),
    ]);
    const paused = await fra("pause", "GBR");
    expect([paused.code, paused.stdout.trim(), paused.stderr]).toEqual([0, "FRA agreements version 2: GBR paused", ""]);
    const after = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    expect([after.kid, after.document.partners.get("GBR")?.status]).toEqual([old.kid, "PAUSED"]);
    // The write dropped the new key that never signed anything.
    expect(publishedKids()).toEqual([old.kid]);
    expect((await fra("rotate-key")).code).toBe(0);
  });

  it("a rotation interrupted after the document was written, before the new private key was saved, still verifies", async () => {
    const old = (await readSignedAgreements(dataRoot, keysDir, "FRA"))!;
    const document = { ...old.document, version: 2, issuedAt: Date.now() };
    let newKid = "";
    await expect(
      rotateAgreementKey(keysDir, "FRA", async (key) => {
        newKid = key.kid;
        await writeSignedDocument(dataRoot, document, key);
        throw new Error("killed");
      }),
    ).rejects.toThrow("killed");
    expect(publishedKids()).toEqual([old.kid, newKid]);

    const shown = await fra("show");
    expect([shown.code, shown.stderr, shown.stdout.split("\n")[1]]).toEqual([
      0,
      "",
      expect.stringContaining(`(signed with agreement key ${newKid})`),
    ]);
    // The new private key is lost: the next change is signed with the old one, and the JWKS names it alone.
    const paused = await fra("pause", "GBR");
    expect([paused.code, paused.stdout.trim(), paused.stderr]).toEqual([0, "FRA agreements version 3: GBR paused", ""]);
    expect((await readSignedAgreements(dataRoot, keysDir, "FRA"))!.kid).toBe(old.kid);
    expect(publishedKids()).toEqual([old.kid]);
  });
});
