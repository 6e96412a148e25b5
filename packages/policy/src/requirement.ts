import { type Classification, higher, isClassification } from "./classification.js";
import { type Coalitions, expandReleasability, PolicyDocumentError } from "./coalitions.js";

/** What a denied field does to its operation: withhold the field, or refuse the whole operation. */
export type DenyMode = "REDACT" | "REJECT";

/**
 * What one nation requires of a caller for one field: the type label and the
 * field label that nation applied, combined. `releasableTo` is expanded to
 * nation codes and always includes the owner; `scopeGroups` holds one group
 * per label, and the caller needs a scope from every group.
 */
export interface Requirement {
  /** The nation whose label this is; null only for a label no composition stamped. */
  owner: string | null;
  level: Classification;
  releasableTo: ReadonlySet<string>;
  compartments: ReadonlySet<string>;
  /** null when no label restricts the purpose. */
  purposes: ReadonlySet<string> | null;
  scopeGroups: ReadonlyArray<ReadonlySet<string>>;
  onDeny: DenyMode;
}

const stringList = (value: unknown, name: string): string[] | null => {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
    throw new PolicyDocumentError(`@label ${name} must be a list of strings`);
  return value as string[];
};

/** Reads one @label application's arguments; anything malformed throws, so the schema is refused. */
export function requirementFromLabel(args: Record<string, unknown>, coalitions: Coalitions): Requirement {
  if (!isClassification(args.level)) throw new PolicyDocumentError(`@label level must be a classification, got ${String(args.level)}`);
  const owner = typeof args.owner === "string" ? args.owner : null;
  const releasable = stringList(args.releasableTo, "releasableTo");
  const releasableTo = releasable ? expandReleasability(releasable, coalitions) : new Set<string>();
  if (owner) releasableTo.add(owner);
  const purposes = stringList(args.purposes, "purposes");
  const scopes = stringList(args.scopes, "scopes");
  const onDeny = args.onDeny ?? "REDACT";
  if (onDeny !== "REDACT" && onDeny !== "REJECT") throw new PolicyDocumentError("@label onDeny must be REDACT or REJECT");
  if (scopes && scopes.length === 0) throw new PolicyDocumentError("@label scopes must not be empty when given");
  return {
    owner,
    level: args.level,
    releasableTo,
    compartments: new Set(stringList(args.compartments, "compartments") ?? []),
    purposes: purposes ? new Set(purposes) : null,
    scopeGroups: scopes ? [new Set(scopes)] : [],
    onDeny,
  };
}

const intersect = (a: ReadonlySet<string>, b: ReadonlySet<string>) => new Set([...a].filter((x) => b.has(x)));

/** The most restrictive combination of two requirements of the same owner. */
export function combineRequirements(a: Requirement, b: Requirement): Requirement {
  return {
    owner: a.owner ?? b.owner,
    level: higher(a.level, b.level),
    releasableTo: intersect(a.releasableTo, b.releasableTo),
    compartments: new Set([...a.compartments, ...b.compartments]),
    purposes: a.purposes && b.purposes ? intersect(a.purposes, b.purposes) : (a.purposes ?? b.purposes),
    scopeGroups: [...a.scopeGroups, ...b.scopeGroups],
    onDeny: a.onDeny === "REJECT" || b.onDeny === "REJECT" ? "REJECT" : "REDACT",
  };
}
