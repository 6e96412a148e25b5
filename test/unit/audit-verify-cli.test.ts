import { appendFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChainWriter } from "../../gateway/audit/chain-writer.js";
import { chainFiles, FileChainStore } from "../../gateway/audit/file-store.js";
import { signCheckpoint } from "../../lib/audit/checkpoint.js";
import type { EnvelopeSigningKey } from "../../lib/envelope-key.js";
import { activateNextKey, addNextKey, gatewayJwksPath, loadOrCreateGatewayKey, retireOtherKeys } from "../../scripts/gateway-key/keys.js";
import { auditVerify, keySigner, newGatewayKey, operation, writeChain } from "../support/audit-trail.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// `npm run audit:verify` as the operator runs it: a separate process over an audit folder and the gateway's key files.

const temporary = temporaryFolders();

/** A keys folder with the gateway's key, and an audit folder with one closed chain of `operations` events signed by it. */
async function trail(operations = 6) {
  const keysDir = temporary("tearline-audit-keys-");
  const dir = temporary("tearline-audit-");
  const key = await loadOrCreateGatewayKey(keysDir);
  const writer = await writeChain(await FileChainStore.create(dir), key, operations);
  return { keysDir, dir, key, chain: writer.chain, files: chainFiles(dir, writer.chain) };
}

/** Rewrites one line (1-based) of a chain file. */
function editLine(file: string, line: number, edit: (text: string) => string): void {
  const lines = readFileSync(file, "utf8").split("\n");
  lines[line - 1] = edit(lines[line - 1]!);
  writeFileSync(file, lines.join("\n"));
}

const oneLine = (text: string) => text.trimEnd().split("\n").length === 1;

describe("npm run audit:verify", () => {
  it("prints each intact chain's count, head and checkpoints, and exits 0", async () => {
    const { keysDir, dir, chain, files } = await trail(6);
    const head = JSON.parse(readFileSync(files.events, "utf8").trimEnd().split("\n").at(-1)!).hash;
    const outcome = await auditVerify(["--dir", dir], { KEYS_DIR: keysDir });
    expect(outcome).toEqual({
      code: 0,
      stdout: `intact  ${chain}  7 events  head ${head}  2 checkpoints  closed  0 unsigned\nall 1 chain intact (${dir})\n`,
      stderr: "",
    });
    // The same from AUDIT_DIR, and from the chain's file named alone.
    expect((await auditVerify(["--keys-dir", keysDir], { AUDIT_DIR: dir })).stdout).toBe(outcome.stdout);
    expect(await auditVerify([files.events, "--keys", gatewayJwksPath(keysDir)])).toMatchObject({ code: 0, stderr: "" });
  });

  it("exits 1 naming the chain, the first bad position and the problem, and still reports every other chain", async () => {
    const { keysDir, dir, key, chain: edited } = await trail(4);
    const others = await Promise.all([1, 2, 3, 4].map(() => FileChainStore.create(dir)));
    const [cut, forged, torn, untouched] = await Promise.all(others.map((store) => writeChain(store, key, 4)));
    editLine(chainFiles(dir, edited).events, 3, (line) => line.replace('"purpose":"CT"', '"purpose":"HUMINT"'));
    // Events 4 and 5 removed, where a checkpoint (every 4 events, and the final one) had counted them.
    const cutFile = chainFiles(dir, cut!.chain).events;
    writeFileSync(cutFile, `${readFileSync(cutFile, "utf8").split("\n").slice(0, 3).join("\n")}\n`);
    const stranger = newGatewayKey();
    const forgery = await signCheckpoint(
      { chain: forged!.chain, count: 5, head: "0".repeat(64), at: "", final: false },
      stranger.privateKey,
      stranger.kid,
    );
    appendFileSync(chainFiles(dir, forged!.chain).checkpoints, `${forgery}\n`);
    appendFileSync(chainFiles(dir, torn!.chain).events, '{"seq":6,"prev":"');

    const { code, stdout, stderr } = await auditVerify(["--dir", dir], { KEYS_DIR: keysDir });
    expect([code, stderr]).toEqual([1, ""]);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        `BROKEN  ${edited}  event 3: its hash does not match its content: it was edited`,
        `BROKEN  ${cut!.chain}  checkpoint 1: it vouches for 4 events, the chain has 3: events after 3 were removed`,
        `BROKEN  ${forged!.chain}  checkpoint 3: signed by key ${stranger.kid}, which is not a gateway key`,
        `BROKEN  ${torn!.chain}  line 6: a partial line: the last write did not complete`,
        expect.stringMatching(new RegExp(`^intact  ${untouched!.chain}  5 events`)),
      ]),
    );
    expect(lines).toHaveLength(6);
    expect(lines.at(-1)).toBe(`4 of 5 chains broken (${dir})`);
  });

  it("finds a chain whose checkpoints file was removed broken", async () => {
    const { keysDir, dir, chain, files } = await trail(2);
    rmSync(files.checkpoints);
    const outcome = await auditVerify(["--dir", dir], { KEYS_DIR: keysDir });
    expect([outcome.code, outcome.stdout.split("\n")[0]]).toEqual([
      1,
      `BROKEN  ${chain}  checkpoints: the chain's checkpoints file is missing`,
    ]);
  });

  it("verifies checkpoints signed before a rotation with the retired key from the archive, and not from the JWKS alone", async () => {
    const keysDir = temporary("tearline-audit-keys-");
    const dir = temporary("tearline-audit-");
    let key: EnvelopeSigningKey = await loadOrCreateGatewayKey(keysDir);
    const old = key.kid;
    // One chain written across the rotation: its first checkpoint with the old key, its final one with the new key.
    const writer = await ChainWriter.start(
      await FileChainStore.create(dir),
      keySigner(() => key),
      key.kid,
      { checkpointEvery: 3, checkpointMs: 60_000 },
    );
    for (const n of [1, 2, 3]) await writer.append(operation(n));
    await addNextKey(keysDir);
    key = await activateNextKey(keysDir);
    await writer.append(operation(4));
    await writer.close();
    await retireOtherKeys(keysDir);
    expect(readFileSync(gatewayJwksPath(keysDir), "utf8")).not.toContain(old);

    const trusted = await auditVerify(["--dir", dir], { KEYS_DIR: keysDir });
    expect([trusted.code, trusted.stdout.split("\n")[0]]).toEqual([
      0,
      expect.stringMatching(/^intact .* 5 events .* 2 checkpoints {2}closed/),
    ]);
    const jwksOnly = await auditVerify(["--dir", dir, "--keys", gatewayJwksPath(keysDir)]);
    expect([jwksOnly.code, jwksOnly.stdout.split("\n")[0]]).toEqual([
      1,
      `BROKEN  ${writer.chain}  checkpoint 1: signed by key ${old}, which is not a gateway key`,
    ]);
  });

  it("exits 1 with one line when there is nothing to verify", async () => {
    const empty = temporary("tearline-audit-");
    const missing = join(empty, "nowhere");
    const [none, gone] = await Promise.all([auditVerify(["--dir", empty]), auditVerify(["--dir", missing])]);
    expect(none).toEqual({ code: 1, stdout: "", stderr: `audit:verify: no chain in ${empty}\n` });
    expect(gone).toEqual({ code: 1, stdout: "", stderr: `audit:verify: no audit folder at ${missing}\n` });
  });

  it("refuses bad usage with one line and exit 2", async () => {
    const dir = temporary("tearline-audit-");
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [["--bogus"], {}, /Unknown option '--bogus'/],
      [["--dir", dir, "--database", "postgres://localhost/audit"], {}, /give one of --dir, --database, not several/],
      [["--database", "mysql://localhost/audit"], {}, /--database must be a postgres:\/\/ URL/],
      [["--dir", dir, "--dir", dir], {}, /--dir is given more than once/],
      [[join(dir, "notes.txt")], {}, /is not a chain file/],
      [[join(dir, "gateway-x.jsonl")], {}, /no chain file at/],
      [["--dir", dir, "--keys", join(dir, "missing.json")], {}, /no key set at/],
      [["--keys", "a.json", "--keys-dir", dir], {}, /give --keys or --keys-dir, not both/],
      [[], { AUDIT_STORE: "postgres" }, /AUDIT_STORE=postgres needs AUDIT_DATABASE_URL/],
      [[], { AUDIT_STORE: "none" }, /AUDIT_STORE=none keeps no audit trail/],
      [[], { AUDIT_STORE: "s3" }, /AUDIT_STORE must be file, postgres or none/],
    ];
    const outcomes = await Promise.all(cases.map(([args, env]) => auditVerify(args, env)));
    for (const [index, outcome] of outcomes.entries()) {
      expect([outcome.code, outcome.stdout, oneLine(outcome.stderr)], cases[index]![0].join(" ")).toEqual([2, "", true]);
      expect(outcome.stderr).toMatch(cases[index]![2]);
      expect(outcome.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("explains itself with --help", async () => {
    const { code, stdout } = await auditVerify(["--help"]);
    expect([code, stdout]).toEqual([0, expect.stringContaining("Usage: npm run audit:verify")]);
  });
});
