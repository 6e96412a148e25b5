/** Named groups of nations that labels may release to, such as FVEY or NATO. */
export type Coalitions = ReadonlyMap<string, ReadonlySet<string>>;

/** A policy document (coalitions, labels) that cannot be read; the message says what is wrong with it. */
export class PolicyDocumentError extends Error {}

const NATION = /^[A-Z]{3}$/;
const COALITION_NAME = /^[A-Z][A-Z0-9_]+$/;

export const isNationCode = (value: string): boolean => NATION.test(value);

/**
 * Parses a coalitions document (`{ "NATO": ["GBR", …], … }`), already read and
 * JSON-decoded by the caller. Throws a PolicyDocumentError naming every
 * problem, so a malformed document never half-applies.
 */
export function parseCoalitions(input: unknown): Coalitions {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new PolicyDocumentError("coalitions: must be an object of coalition name to a list of nation codes");
  }
  const problems: string[] = [];
  const coalitions = new Map<string, ReadonlySet<string>>();
  for (const [name, members] of Object.entries(input)) {
    if (!COALITION_NAME.test(name)) problems.push(`${name}: coalition names are upper case`);
    // A coalition called like a nation would make releasableTo ambiguous.
    else if (NATION.test(name)) problems.push(`${name}: a coalition name must not look like a nation code`);
    if (!Array.isArray(members) || members.length === 0) {
      problems.push(`${name}: must list at least one nation`);
      continue;
    }
    const bad = members.filter((member) => typeof member !== "string" || !NATION.test(member));
    if (bad.length > 0) problems.push(`${name}: ${bad.map(String).join(", ")} must be ISO 3166 alpha-3 codes`);
    coalitions.set(name, new Set(members as string[]));
  }
  if (problems.length > 0) throw new PolicyDocumentError(`Invalid coalitions:\n  - ${problems.join("\n  - ")}`);
  return coalitions;
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
    else throw new PolicyDocumentError(`unknown nation or coalition "${entry}" in releasableTo`);
  }
  return nations;
}
