import { randomUUID } from "node:crypto";
import { link, readFile, rename, unlink, writeFile } from "node:fs/promises";

/** A temporary name beside `path`, so that a rename never crosses file systems. */
const temporaryBeside = (path: string) => `${path}.${randomUUID()}.tmp`;

/** The text at `path`, or undefined when there is no file. */
export async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
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
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
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
