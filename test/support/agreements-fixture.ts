import { readFileSync } from "node:fs";
import type { AgreementBook, AgreementDocument, AgreementTerms, Classification } from "@tearline/policy";

// Light on purpose (no policy code runs at import): the mutation run imports it again for every mutant.

/** Every purpose code the tests use; an open agreement covers them all. */
export const TEST_PURPOSES = ["CT", "CYBER", "CP", "HUMINT", "SIGINT", "OSINT", "POLICY", "TRAINING"];

const coalitionsFile = JSON.parse(readFileSync(new URL("../../config/coalitions.json", import.meta.url), "utf8")) as Record<
  string,
  string[]
>;
/** Every nation any coalition names, and the four of the demo. */
export const TEST_NATIONS = [...new Set([...Object.values(coalitionsFile).flat(), "GBR", "FRA", "DEU", "EST"])].sort();

export interface TermsSpec {
  status?: AgreementTerms["status"];
  validFrom?: number;
  expires?: number;
  ceiling?: Classification;
  purposes?: string[];
  covers?: string[] | null;
}

/** Terms that release everything, always, unless the spec narrows them. */
export const termsOf = (spec: TermsSpec = {}): AgreementTerms => ({
  status: spec.status ?? "ACTIVE",
  validFrom: spec.validFrom ?? 0,
  expires: spec.expires ?? Number.POSITIVE_INFINITY,
  ceiling: spec.ceiling ?? "TOP_SECRET",
  purposes: new Set(spec.purposes ?? TEST_PURPOSES),
  covers: spec.covers ? new Set(spec.covers) : null,
});

/** One nation's document with the given terms by partner. */
export const documentOf = (nation: string, partners: Record<string, TermsSpec>, version = 1): AgreementDocument => ({
  nation,
  version,
  issuedAt: 0,
  partners: new Map(Object.entries(partners).map(([partner, spec]) => [partner, termsOf(spec)])),
});

/**
 * Every nation shares everything with every other, always: the tests of the other checks run with agreements that
 * never stand in their way, so that each test sees only the rule it is about.
 */
export function openAgreements(nations: readonly string[] = TEST_NATIONS): AgreementBook {
  return new Map(
    nations.map((owner) => [owner, documentOf(owner, Object.fromEntries(nations.filter((n) => n !== owner).map((n) => [n, {}])))]),
  );
}
