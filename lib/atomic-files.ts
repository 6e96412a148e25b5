import { randomUUID } from "node:crypto";
import { link, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";

/** A temporary name beside `path`, so that a rename never crosses file systems. */
const temporaryBeside = (path: string) => `${path}.${randomUUID()}.tmp`;

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** The text at `path`, or undefined when there is no file. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** Removes the file at `path`; whether there was one. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

/**
 * Writes `content` at `path` only if nothing is there yet, all at once: two
 * processes creating the same key on first use end up with the same one.
 * Returns whether this call created it.
 */
export async function createExclusively(path: string, content: string, mode: number): Promise<boolean> {
  const temporary = temporaryBeside(path);
  await writeFile(temporary, content, { mode });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}

/**
 * Replaces `path` with `content` all at once: written beside it, then renamed
 * over it, so that a reader sees the old file or the new one, never half of one.
 */
export async function replaceAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = temporaryBeside(path);
  try {
    await writeFile(temporary, content, { mode, flush: true });
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** A lock file that another process holds, past the wait. */
export class LockFileBusy extends Error {
  constructor(readonly path: string) {
    super(`${path} is held by another process`);
  }
}

export interface LockFileOptions {
  /** How long to wait for a held lock, in ms. */
  waitMs: number;
  /** Between two attempts, in ms. */
  retryMs: number;
  /** A lock older than this, in ms, whose process is not alive, may be taken over. */
  staleMs: number;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

/** What a lock file holds: who took it, and when. */
interface LockHolder {
  pid: number;
  /** Epoch ms. */
  since: number;
}

function holderOf(text: string): LockHolder | undefined {
  try {
    const { pid, since } = JSON.parse(text) as { pid?: unknown; since?: unknown };
    const time = typeof since === "string" ? Date.parse(since) : Number.NaN;
    return Number.isSafeInteger(pid) && (pid as number) > 0 && !Number.isNaN(time) ? { pid: pid as number, since: time } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (EPERM: it does, but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}

/**
 * Removes the lock at `path` if it is stale: older than `staleMs` (by the time
 * it holds, or its modification time if it holds none) and its process gone.
 * The lock is first renamed aside, which only one of several takers can do,
 * and removed only if it is still the stale one that was judged. Returns
 * whether the lock is gone (an attempt to take it may follow at once).
 */
async function removeIfStale(path: string, options: LockFileOptions): Promise<boolean> {
  let text: string;
  let modified: number;
  try {
    text = await readFile(path, "utf8");
    modified = (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return true;
    throw error;
  }
  const holder = holderOf(text);
  const age = (options.clock ?? Date.now)() - (holder?.since ?? modified);
  if (age <= options.staleMs || (holder !== undefined && isAlive(holder.pid))) return false;
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return true;
    throw error;
  }
  try {
    if ((await readFile(aside, "utf8")) === text) return true;
    // Another taker replaced the stale lock with its own in between: give that one back.
    await link(aside, path).catch(() => undefined);
    return false;
  } finally {
    await unlink(aside);
  }
}

/**
 * Takes the lock file at `path`: created whole and exclusively (it fails if
 * the file exists), holding this process's id and the time. While another
 * process holds it, tries again every `retryMs` up to `waitMs`, then throws a
 * LockFileBusy. A stale lock (see `staleMs`) is taken over. Returns the
 * release, which removes the file if it is still this one.
 */
export async function acquireLockFile(path: string, options: LockFileOptions): Promise<() => Promise<void>> {
  const clock = options.clock ?? Date.now;
  const content = `${JSON.stringify({ pid: process.pid, since: new Date(clock()).toISOString(), nonce: randomUUID() })}\n`;
  const deadline = clock() + options.waitMs;
  for (;;) {
    if (await createExclusively(path, content, 0o644)) break;
    const gone = await removeIfStale(path, options);
    if (clock() >= deadline) throw new LockFileBusy(path);
    if (!gone) await new Promise((resolve) => setTimeout(resolve, options.retryMs));
  }
  return async () => {
    if ((await readIfPresent(path)) === content) await removeIfPresent(path);
  };
}
