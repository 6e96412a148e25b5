import type { Classification, Subject } from "@tearline/policy";

// Light on purpose (policy types only): the mutation run imports it again for every mutant.

export interface SubjectSpec {
  nation?: string;
  clearance?: Classification;
  compartments?: string[];
  /** The purposes the caller's token authorises; the first is declared unless `purpose` says otherwise. */
  purposes?: string[];
  purpose?: string;
  scopes?: string[];
}

/** A verified caller as the checks see it; every attribute can be overridden. */
export function subjectOf(spec: SubjectSpec = {}): Subject {
  return {
    nation: spec.nation ?? "GBR",
    clearance: spec.clearance ?? "TOP_SECRET",
    compartments: new Set(spec.compartments ?? []),
    purpose: spec.purpose ?? spec.purposes?.[0] ?? "CT",
    scopes: new Set(spec.scopes ?? []),
  };
}
