import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { signAgreementDocument } from "../../lib/agreement-jws.js";
import { OwnAgreements } from "../../subgraphs/shared/own-agreements.js";
import { documentOf } from "../support/agreements-fixture.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// A nation's subgraph enforces only its own agreements, read from its own file and verified with its own key:
// whatever it cannot read or verify releases nothing to any other nation.

interface NationKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
}
async function newKey(): Promise<NationKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { extractable: true });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey: privateKey as CryptoKey, publicKey: publicKey as CryptoKey, kid };
}

const temporary = temporaryFolders();
/** A log that keeps what it was told, to check what an operator reads. */
const recordingLog = () => {
  const lines: Array<[string, object, string]> = [];
  return {
    lines,
    info: (fields: object, message: string) => void lines.push(["info", fields, message]),
    warn: (fields: object, message: string) => void lines.push(["warn", fields, message]),
  };
};

describe("a subgraph's own agreements", () => {
  let file: string;
  let key: NationKey;
  let trusted: Map<string, CryptoKey>;
  let own: OwnAgreements;
  let log: ReturnType<typeof recordingLog>;
  const write = async (nation: string, version: number, status: "ACTIVE" | "PAUSED" = "ACTIVE", by: NationKey = key) =>
    writeFileSync(
      file,
      await signAgreementDocument(
        documentOf(nation, { GBR: { status, expires: Date.now() + 86_400_000 } }, version),
        by.privateKey,
        by.kid,
      ),
    );
  const gbrStatus = () => own.current().get("FRA")?.partners.get("GBR")?.status;

  beforeEach(async () => {
    file = join(temporary("own-agreements-"), "agreements.jws");
    key = await newKey();
    trusted = new Map([[key.kid, key.publicKey]]);
    log = recordingLog();
    own = new OwnAgreements("FRA", file, async (kid) => trusted.get(kid), log as never);
  });

  it("shares with no other nation while there is no document", async () => {
    await own.refresh();
    expect(own.current().size).toBe(0);
  });

  it("puts a verified document in force and follows a pause written later", async () => {
    await write("FRA", 1);
    await own.refresh();
    expect(gbrStatus()).toBe("ACTIVE");
    await write("FRA", 2, "PAUSED");
    await own.refresh();
    expect(gbrStatus()).toBe("PAUSED");
  });

  it("keeps the same book object while the document is unchanged, so that remembered decisions stay", async () => {
    await write("FRA", 1);
    await own.refresh();
    const first = own.current();
    await own.refresh();
    expect(own.current()).toBe(first);
  });

  it("withdraws everything for a document signed by another key, one for another nation, or one edited", async () => {
    await write("FRA", 1, "ACTIVE", await newKey());
    await own.refresh();
    expect(own.current().size).toBe(0);

    await write("DEU", 1);
    await own.refresh();
    expect(own.current().size).toBe(0);

    await write("FRA", 1);
    const [header, payload, signature] = readFileSync(file, "utf8").split(".");
    const edited = Buffer.from(Buffer.from(payload!, "base64url").toString().replace('"PAUSED"', '"ACTIVE"')).toString("base64url");
    writeFileSync(file, `${header}.${edited}x.${signature}`);
    await own.refresh();
    expect(own.current().size).toBe(0);
  });

  it("withdraws the document once its key is no longer trusted, without waiting for a new document", async () => {
    await write("FRA", 1);
    await own.refresh();
    expect(gbrStatus()).toBe("ACTIVE");
    trusted.clear();
    await own.refresh();
    expect(own.current().size).toBe(0);
  });

  it("withdraws the document when the file is removed", async () => {
    await write("FRA", 1);
    await own.refresh();
    rmSync(file);
    await own.refresh();
    expect(own.current().size).toBe(0);
  });

  it("reads a document with the newline an editor or the command leaves after it", async () => {
    await write("FRA", 1);
    writeFileSync(file, `${readFileSync(file, "utf8")}\n`);
    await own.refresh();
    expect(gbrStatus()).toBe("ACTIVE");
  });

  it("withdraws everything when the path cannot be read as a file, and says why once", async () => {
    mkdirSync(file);
    await own.refresh();
    await own.refresh();
    expect(own.current().size).toBe(0);
    expect(log.lines).toEqual([["warn", { problem: "unreadable" }, "own agreements not in force: sharing with no other nation"]]);
  });

  it("tells the operator which version is in force, and each new reason it is not, once per change", async () => {
    await own.refresh();
    await own.refresh();
    await write("FRA", 3);
    await own.refresh();
    await own.refresh();
    rmSync(file);
    await own.refresh();
    expect(log.lines).toEqual([
      ["warn", { problem: "missing" }, "own agreements not in force: sharing with no other nation"],
      ["info", { version: 3 }, "own agreements in force"],
      ["warn", { problem: "missing" }, "own agreements not in force: sharing with no other nation"],
    ]);
  });

  it("puts the same document back in force once it verifies again", async () => {
    await write("FRA", 1);
    await own.refresh();
    const saved = [...trusted.entries()];
    trusted.clear();
    await own.refresh();
    expect(own.current().size).toBe(0);
    for (const [kid, publicKey] of saved) trusted.set(kid, publicKey);
    await own.refresh();
    expect(gbrStatus()).toBe("ACTIVE");
  });

  it("follows the file on its own once started, and stops when told", async () => {
    const stop = await own.start(20);
    expect(own.current().size).toBe(0);
    await write("FRA", 1);
    await until(() => gbrStatus() === "ACTIVE");
    stop();
    await write("FRA", 2, "PAUSED");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gbrStatus()).toBe("ACTIVE");
  });
});

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("not within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
