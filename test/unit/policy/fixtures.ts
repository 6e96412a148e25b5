import { readFileSync } from "node:fs";
import { type Classification, type Coalitions, type DenyMode, parseCoalitions, type Requirement } from "@tearline/policy";
import { expect } from "vitest";
import { type SubjectSpec, subjectOf } from "../../support/subject-fixture.js";

// Light on purpose: no composition libraries, and no policy code run at import. A mutation run imports every test file
// again for each mutant, and tries a mutant of code run at import against every test instead of those that read it.

const COALITIONS_DOCUMENT: unknown = JSON.parse(readFileSync(new URL("../../../config/coalitions.json", import.meta.url), "utf8"));

/** The coalitions file every component reads, parsed afresh for the calling test. */
export const coalitions = (): Coalitions => parseCoalitions(COALITIONS_DOCUMENT);

/** A verified caller as the checks see it; every attribute can be overridden. */
export const principal = subjectOf;
export type { SubjectSpec };

export interface RequirementSpec {
  owner?: string | null;
  level?: Classification;
  releasableTo?: string[];
  compartments?: string[];
  purposes?: string[] | null;
  scopeGroups?: string[][];
  onDeny?: DenyMode;
}

/** A requirement written out in full, as the checks and the algebra see it; unlisted parts restrict nothing but the level. */
export function requirementOf(spec: RequirementSpec = {}): Requirement {
  return {
    owner: spec.owner === undefined ? null : spec.owner,
    level: spec.level ?? "UNCLASSIFIED",
    releasableTo: new Set(spec.releasableTo ?? []),
    compartments: new Set(spec.compartments ?? []),
    purposes: spec.purposes ? new Set(spec.purposes) : null,
    scopeGroups: (spec.scopeGroups ?? []).map((group) => new Set(group)),
    onDeny: spec.onDeny ?? "REDACT",
  };
}

/** Expects `run` to throw exactly this class of error with exactly this message. */
export function expectRefusal(run: () => unknown, kind: new (message: string) => Error, message: string): void {
  expect(run).toThrow(kind);
  expect(run).toThrow(new kind(message));
}
