import { constants } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { temporaryFolders } from "../support/temporary-folders.js";

// What the audit file store asks of the file system, call by call, with a file handle that records them: a failed
// append is cut back durably, and where O_DSYNC is not used every write is followed by its own sync.

const temporary = temporaryFolders();
const calls: string[] = [];
const opened: number[] = [];
/** The write (counted from 1) that fails, after writing part of its bytes; 0: none fails. */
let failingWrite = 0;

vi.mock("node:fs/promises", async (original) => {
  const actual = await original<typeof import("node:fs/promises")>();
  return {
    ...actual,
    open: async (path: string, flags: string | number, mode?: number) => {
      // The folder (opened to sync its entries) is the real one; the chain files are recorded.
      if (!String(path).endsWith(".jsonl")) return actual.open(path, flags, mode);
      opened.push(Number(flags));
      let writes = 0;
      return {
        async write(buffer: Buffer, offset: number, length: number) {
          writes++;
          calls.push(`write ${length}`);
          if (writes === failingWrite) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
          // A write cut short: half of it, then the rest is asked for again.
          return { bytesWritten: writes === failingWrite - 1 ? Math.ceil(length / 2) : Math.min(length, buffer.length - offset) };
        },
        async datasync() {
          calls.push("datasync");
        },
        async truncate(size: number) {
          calls.push(`truncate ${size}`);
        },
        async close() {},
      };
    },
  };
});

const platform = process.platform;
afterEach(() => {
  Object.defineProperty(process, "platform", { value: platform });
  calls.length = 0;
  opened.length = 0;
  failingWrite = 0;
  vi.resetModules();
});

async function storeOn(system: NodeJS.Platform) {
  Object.defineProperty(process, "platform", { value: system });
  const { FileChainStore } = await import("../../gateway/audit/file-store.js");
  return FileChainStore.create(temporary("tearline-audit-calls-"), "c");
}

const entry = (seq: number) => ({
  seq,
  prev: String(seq - 1),
  hash: String(seq),
  event: { kind: "chain-start" as const, at: "2026-12-04T00:00:00.000Z", chain: "c", kid: "k" },
});

describe("the audit file store's calls", () => {
  it("cuts a failed append back to where it began, and syncs the cut: its written part may be durable already", async () => {
    const store = await storeOn("linux");
    await store.appendEntries([entry(1)]);
    const size = Number(calls[0]!.split(" ")[1]);
    calls.length = 0;
    // The second append's first write is cut short, its second fails.
    failingWrite = 3;
    await expect(store.appendEntries([entry(2)])).rejects.toThrow("no space left on device");
    expect(calls.at(-2)).toBe(`truncate ${size}`);
    expect(calls.at(-1)).toBe("datasync");
  });

  it("on Linux, opens each chain file with O_DSYNC and writes without a separate sync", async () => {
    const store = await storeOn("linux");
    await store.appendEntries([entry(1)]);
    expect(opened).toHaveLength(2);
    for (const flags of opened) expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
    expect(calls.filter((call) => call === "datasync")).toHaveLength(0);
  });

  it("elsewhere (macOS: O_DSYNC stops at the drive's cache), opens without O_DSYNC and syncs after every append", async () => {
    const store = await storeOn("darwin");
    await store.appendEntries([entry(1)]);
    await store.appendCheckpoint("a.b.c");
    for (const flags of opened) expect(flags & constants.O_DSYNC).toBe(0);
    expect(calls.map((call) => call.split(" ")[0])).toEqual(["write", "datasync", "write", "datasync"]);
  });
});
