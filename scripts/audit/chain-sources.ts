import { access } from "node:fs/promises";
import { readIfPresent } from "../../lib/atomic-files.js";
import { type ChainFileSet, listChainFiles } from "../../lib/audit/read-chains.js";
import { listPostgresChains, readPostgresChain } from "../../lib/audit/read-postgres.js";
import type { StoredChain } from "../../lib/audit/verify-trail.js";
import { openDatabaseSnapshot, safeUrl } from "./database-snapshot.js";
import type { ChainSourceOptions } from "./verify-args.js";
import { UsageError } from "./verify-args.js";

/** Where the chains are read from: its name for the report, and its chains one at a time (a chain may be large). */
export interface ChainSource {
  label: string;
  chains(): AsyncIterable<StoredChain>;
  close(): Promise<void>;
}

/** A chain file being written may end in the line being written: read again briefly before calling it cut short. */
const SETTLE_TRIES = 3;
const SETTLE_MS = 100;

async function readSettled(path: string): Promise<string | undefined> {
  let text = await readIfPresent(path);
  for (let tries = 1; tries < SETTLE_TRIES && text !== undefined && text !== "" && !text.endsWith("\n"); tries++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    text = await readIfPresent(path);
  }
  return text;
}

/**
 * One chain from its two files. The checkpoints are read first: the gateway
 * writes a checkpoint only once the events it counts are durable, so a chain
 * read while it grows never looks cut short.
 */
async function readChainFiles(files: ChainFileSet): Promise<StoredChain> {
  const checkpoints = await readSettled(files.checkpoints);
  const events = await readSettled(files.events);
  if (events === undefined) throw new Error(`${files.events} vanished while it was being verified`);
  return { chain: files.chain, events, checkpoints };
}

function fileSource(label: string, list: () => Promise<ChainFileSet[]>): ChainSource {
  return {
    label,
    async *chains() {
      for (const files of await list()) yield await readChainFiles(files);
    },
    close: async () => undefined,
  };
}

async function chainsInFolder(dir: string) {
  try {
    const files = await listChainFiles(dir);
    if (files.length === 0) throw new Error(`no chain in ${dir}`);
    return files;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`no audit folder at ${dir}`);
    throw error;
  }
}

/**
 * Every chain in the database, read in one read-only snapshot: chains,
 * checkpoints and events as they were at one moment.
 */
async function databaseSource(url: string): Promise<ChainSource> {
  const client = await openDatabaseSnapshot(url, "tearline-audit-verify");
  return {
    label: safeUrl(url),
    async *chains() {
      const chains = await listPostgresChains(client);
      if (chains.length === 0) throw new Error("no chain in the audit database");
      for (const chain of chains) yield await readPostgresChain(client, chain);
    },
    close: () => client.end(),
  };
}

/** Opens the source the options name; a chain file named but missing is bad usage. */
export async function openChainSource(options: ChainSourceOptions): Promise<ChainSource> {
  switch (options.kind) {
    case "folder":
      return fileSource(options.dir, () => chainsInFolder(options.dir));
    case "files":
      for (const files of options.files) {
        await access(files.events).catch(() => {
          throw new UsageError(`no chain file at ${files.events}`);
        });
      }
      return fileSource(`${options.files.length} chain file${options.files.length === 1 ? "" : "s"}`, async () => options.files);
    case "database":
      return databaseSource(options.url);
  }
}
