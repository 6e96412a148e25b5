import { execFile } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ensureDefaultAgreements } from "../../scripts/agreement/defaults.js";
import { parseRevokeArgs, UsageError } from "../../scripts/revoke/args.js";
import { ensureRevocationLists, readRevocationList, revocationListPath } from "../../scripts/revoke/list-file.js";
import { NATIONS } from "../../subgraphs/nations.js";
import { AGREEMENT_MAIN, ROOT } from "../support/agreement-command.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// `npm run revoke` as the operator runs it: a separate process, on folders of its own for each test.

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const temporary = temporaryFolders();
let dataRoot: string;
let keysDir: string;

beforeEach(async () => {
  dataRoot = temporary("tearline-revoke-data-");
  keysDir = temporary("tearline-revoke-keys-");
  await ensureDefaultAgreements({ dataRoot, keysDir, nations: NATIONS });
  await ensureRevocationLists({ dataRoot, keysDir, nations: NATIONS });
});

const command = (main: string, args: string[]): Promise<Outcome> =>
  new Promise((resolve) => {
    const env = { ...process.env, DATA_ROOT: "", KEYS_DIR: "" };
    execFile(
      process.execPath,
      ["--import", "tsx", main, "--data-root", dataRoot, "--keys-dir", keysDir, ...args],
      { cwd: ROOT, env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
const revoke = (...args: string[]) => command("scripts/revoke/main.ts", args);
const listed = async (nation = "GBR") => [...((await readRevocationList(dataRoot, keysDir, nation))?.list.revoked.keys() ?? [])];

describe("npm run revoke", () => {
  it("revokes tokens by jti in the nation's signed list, which --list shows, and leaves no temporary file", async () => {
    const done = await revoke("--nation", "GBR", "--jti", "3f2c-stolen", "--jti", "lost-laptop");
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(done.stdout).toMatch(
      /^GBR revocation list of \S+: 2 tokens revoked \(3f2c-stolen, lost-laptop\), 2 tokens listed; gateways refuse/,
    );
    expect(await listed()).toEqual(["3f2c-stolen", "lost-laptop"]);
    expect(await listed("FRA")).toEqual([]);
    const shown = await revoke("--nation", "gbr", "--list");
    expect(shown.code).toBe(0);
    expect(
      shown.stdout
        .split("\n")
        .filter((line) => line.startsWith("  "))
        .map((line) => line.trim().split(" ")[0]),
    ).toEqual(["3f2c-stolen", "lost-laptop"]);
    expect(readdirSync(join(dataRoot, "GBR")).filter((name) => name.endsWith(".tmp") || name.endsWith(".lock"))).toEqual([]);
  });

  it("refuses bad input with exit 2 and one line, and changes nothing", async () => {
    const before = await listed();
    const outcomes = await Promise.all([revoke("--nation", "GBR"), revoke("--nation", "GBR", "--jti", "has space")]);
    for (const outcome of outcomes) {
      expect(outcome.code).toBe(2);
      expect(outcome.stdout).toBe("");
      expect(outcome.stderr).toMatch(/^revoke: [^\n]+\n$/);
    }
    expect(await listed()).toEqual(before);
  });

  it.each([
    [["--nation", "GBR"], "nothing to do: give --jti <jti> to revoke a token, or --list"],
    [["--nation", "GBR", "--jti", "has space"], '--jti "has space" must be 1 to 200 printable characters without spaces'],
    [["--nation", "GBR", "--jti", ""], '--jti "" must be 1 to 200 printable characters without spaces'],
    [["--nation", "GBR", "--jti", "x".repeat(201)], "must be 1 to 200 printable characters"],
    [["--nation", "USA", "--jti", "x"], "--nation USA is not a nation with an issuer (GBR, FRA, DEU, EST)"],
    [["--jti", "x"], "--nation is required: one of GBR, FRA, DEU, EST"],
    [["--nation", "GBR", "--list", "--jti", "x"], "--list and --jti do not go together: list, or revoke"],
    [["--nation", "GBR", "--nation", "FRA", "--list"], "--nation is given more than once"],
    [["--nation", "GBR", "--jti", "x", "extra"], "Unexpected argument 'extra'"],
    [["--nation", "GBR", "--colour", "red"], "Unknown option '--colour'"],
    [["--nation", "GBR", "--list", "--data-root", ""], "--data-root is empty: it names a folder"],
  ])("refuses %j: %s", (args, message) => {
    const parse = () => parseRevokeArgs(args, { env: {}, defaults: { dataRoot, keysDir } });
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it("reads --jti given several times, once each", () => {
    const parsed = parseRevokeArgs(["--nation", "est", "--jti", "a", "--jti", "b", "--jti", "a"], {
      env: {},
      defaults: { dataRoot, keysDir },
    });
    expect(parsed).toMatchObject({ nation: "EST", command: { name: "revoke", jtis: ["a", "b"] } });
  });

  it("refuses to write over a list that does not verify, with exit 2", async () => {
    writeFileSync(revocationListPath(dataRoot, "EST"), "eyJhbGciOiJub25lIn0.e30.");
    const outcome = await revoke("--nation", "EST", "--jti", "x");
    expect(outcome).toMatchObject({ code: 2, stdout: "" });
    expect(outcome.stderr).toMatch(/^revoke: \S+revocations\.jws is not EST's revocation list: not a revocation list \(typ\)\n$/);
  });

  it("is re-signed by a key rotation, so that gateways never hold a list under a retired key", async () => {
    await revoke("--nation", "FRA", "--jti", "kept");
    const before = await readRevocationList(dataRoot, keysDir, "FRA");
    const rotated = await command(AGREEMENT_MAIN[2]!, ["--nation", "FRA", "rotate-key"]);
    expect(rotated.code).toBe(0);
    const after = await readRevocationList(dataRoot, keysDir, "FRA");
    expect(after?.kid).not.toBe(before?.kid);
    expect(after?.list.issuedAt).toBeGreaterThan(before!.list.issuedAt);
    expect([...(after?.list.revoked.keys() ?? [])]).toEqual(["kept"]);
  });
});
