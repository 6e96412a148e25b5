import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseConfig } from "../../lib/config.js";

/** Named groups of nations that labels may release to, such as FVEY or NATO. */
export type Coalitions = ReadonlyMap<string, ReadonlySet<string>>;

const NATION = /^[A-Z]{3}$/;
const coalitionFile = z
  .record(z.string().regex(/^[A-Z][A-Z0-9_]+$/, "coalition names are upper case"), z.array(z.string().regex(NATION, "must be an ISO 3166 alpha-3 code")).min(1))
  .refine((record) => Object.keys(record).every((name) => !NATION.test(name)), "a coalition name must not look like a nation code");

export function parseCoalitions(input: unknown): Coalitions {
  const record = parseConfig(coalitionFile, input, "coalitions");
  return new Map(Object.entries(record).map(([name, members]) => [name, new Set(members)]));
}

export function loadCoalitions(path: string): Coalitions {
  return parseCoalitions(JSON.parse(readFileSync(path, "utf8")));
}

/**
 * Expands nation codes and coalition names into nation codes. An entry that is
 * neither is a malformed policy, and the caller must refuse the schema.
 */
export function expandReleasability(entries: readonly string[], coalitions: Coalitions): Set<string> {
  const nations = new Set<string>();
  for (const entry of entries) {
    const members = coalitions.get(entry);
    if (members) for (const member of members) nations.add(member);
    else if (NATION.test(entry)) nations.add(entry);
    else throw new Error(`unknown nation or coalition "${entry}" in releasableTo`);
  }
  return nations;
}
