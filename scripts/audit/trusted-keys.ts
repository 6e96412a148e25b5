import type { KeyObject } from "node:crypto";
import { readIfPresent } from "../../lib/atomic-files.js";
import type { CheckpointKeys } from "../../lib/audit/verify-trail.js";
import { importKeys } from "../../lib/jwks-keys.js";
import { UsageError } from "./verify-args.js";

export interface TrustedKeys {
  keyFor: CheckpointKeys;
  /** The key sets that were found and read. */
  read: string[];
}

/**
 * The gateway's public keys from every key set named: a kid found in several
 * keeps the first set's key. A default set that is missing is left out (a
 * gateway that never rotated has no archive); one named on the command line
 * must be there.
 */
export async function loadTrustedKeys(files: readonly string[], required: boolean): Promise<TrustedKeys> {
  const keys = new Map<string, KeyObject>();
  const read: string[] = [];
  for (const file of files) {
    const text = await readIfPresent(file);
    if (text === undefined) {
      if (required) throw new UsageError(`no key set at ${file}`);
      continue;
    }
    let found: Map<string, KeyObject>;
    try {
      found = importKeys(text);
    } catch {
      throw new Error(`${file} is not a JWKS`);
    }
    for (const [kid, key] of found) if (!keys.has(kid)) keys.set(kid, key);
    read.push(file);
  }
  return { keyFor: (kid) => keys.get(kid), read };
}
