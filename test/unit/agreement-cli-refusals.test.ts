import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agreementDocumentPath } from "../../scripts/agreement/document-file.js";
import { agreementJwksPath, agreementPrivateKeyPath } from "../../scripts/agreement/keys.js";
import { agreementLockPath } from "../../scripts/agreement/lock.js";
import { agreement, agreementFolders, current, dataRoot, file, fra, keysDir, YEAR } from "../support/agreement-cli.js";

/** Every temporary folder of the current test, removed after it. */
const temporary = agreementFolders();

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
