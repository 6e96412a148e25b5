import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AgreementDocument } from "@tearline/policy";
import { describe, expect, it } from "vitest";
import { agreementDocumentPath, readSignedAgreements, writeSignedDocument } from "../../scripts/agreement/document-file.js";
import { agreementPrivateKeyPath, rotateAgreementKey } from "../../scripts/agreement/keys.js";
import { agreementLockPath } from "../../scripts/agreement/lock.js";
import {
  agreement,
  agreementFolders,
  current,
  dataRoot,
  file,
  fra,
  keysDir,
  type Outcome,
  publishedKids,
} from "../support/agreement-cli.js";

agreementFolders();

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
