import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chainFiles, FileChainStore } from "../../gateway/audit/file-store.js";
import { temporaryFolders } from "../support/temporary-folders.js";

// The file store's promise is durability: an append resolves only once its bytes would survive a power cut. A test
// cannot cut the power, but it can read how the kernel was asked to write (the open flags of this process's files).

const temporary = temporaryFolders();

/** The open flags (octal, as /proc reports them) of this process's descriptors for `path`. */
function openFlags(path: string): number[] {
  return readdirSync("/proc/self/fd").flatMap((fd) => {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) !== path) return [];
      const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1];
      return flags === undefined ? [] : [Number.parseInt(flags, 8)];
    } catch {
      return []; // a descriptor closed meanwhile (readdir's own)
    }
  });
}

// Linux's O_DSYNC, as /proc prints it (node's constants.O_DSYNC; asserted below so that the test checks the real flag).
const O_DSYNC = 0o10000;

describe.runIf(process.platform === "linux")("the audit file store", () => {
  it("opens both chain files for durable writes: each write returns once its data is on disk (O_DSYNC)", async () => {
    const { constants } = await import("node:fs");
    expect(constants.O_DSYNC).toBe(O_DSYNC);
    const dir = temporary("tearline-audit-store-");
    const store = await FileChainStore.create(dir);
    try {
      const files = chainFiles(dir, store.chain);
      for (const file of [files.events, files.checkpoints]) {
        const flags = openFlags(file);
        expect(flags).toHaveLength(1);
        expect(flags[0]! & O_DSYNC).toBe(O_DSYNC);
      }
    } finally {
      await store.close();
    }
  });

  it("appends whole lines where the last append ended, and never opens a chain file that already exists", async () => {
    const dir = temporary("tearline-audit-store-");
    const store = await FileChainStore.create(dir);
    const files = chainFiles(dir, store.chain);
    const event = { kind: "chain-start", at: "2026-12-04T00:00:00.000Z", chain: store.chain, kid: "k" } as const;
    await store.appendEntries([{ seq: 1, prev: "0", hash: "1", event }]);
    await store.appendEntries([
      { seq: 2, prev: "1", hash: "2", event },
      { seq: 3, prev: "2", hash: "3", event },
    ]);
    await store.appendCheckpoint("a.b.c");
    await store.close();
    const lines = readFileSync(files.events, "utf8").split("\n");
    expect(lines.map((line) => (line ? JSON.parse(line).seq : line))).toEqual([1, 2, 3, ""]);
    expect(readFileSync(files.checkpoints, "utf8")).toBe("a.b.c\n");

    writeFileSync(join(dir, "gateway-taken.jsonl"), "");
    await expect(FileChainStore.create(dir, "gateway-taken")).rejects.toThrow(/EEXIST/);
  });
});
