import { createHash } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { SupergraphSdlHook } from "@apollo/gateway";
import { logger } from "../../lib/logger.js";

const log = logger("supergraph");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Serves the supergraph from a file and hands every changed version to the
 * gateway. The directory is watched, not the file, because editors and
 * `npm run compose` replace files. A version the gateway refuses is logged and
 * the running one stays; requests in flight finish on the schema they began on.
 */
export interface SupergraphFileOptions {
  /** Throws for a supergraph that must not go live; the running one stays. */
  check?: (supergraphSdl: string) => void;
  debounceMs?: number;
}

export function supergraphFromFile(path: string, options: SupergraphFileOptions = {}): SupergraphSdlHook {
  const debounceMs = options.debounceMs ?? 100;
  return async ({ update }) => {
    let current = await readFile(path, "utf8");
    options.check?.(current);
    let currentHash = sha256(current);
    let timer: NodeJS.Timeout | undefined;

    const reload = async () => {
      let next: string;
      try {
        next = await readFile(path, "utf8");
      } catch (error) {
        log.error({ err: error, path }, "supergraph unreadable, keeping the running one");
        return;
      }
      const nextHash = sha256(next);
      if (nextHash === currentHash || next.trim() === "") return;
      try {
        options.check?.(next);
        update(next);
        current = next;
        currentHash = nextHash;
        log.info({ version: nextHash.slice(0, 12) }, "supergraph reloaded");
      } catch (error) {
        log.error({ err: error }, "supergraph refused, keeping the running one");
      }
    };

    const watcher: FSWatcher = watch(dirname(path), (_event, file) => {
      if (file !== null && file !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });

    return {
      supergraphSdl: current,
      cleanup: async () => {
        clearTimeout(timer);
        watcher.close();
      },
    };
  };
}
