import { type Classification, isClassification } from "../classification.js";
import { isNationCode, PolicyDocumentError } from "../coalitions.js";

/**
 * One nation's sharing agreements with its partners: what it releases to
 * each, for how long, up to which level and for which purposes. It is the
 * payload of a JWS signed with that nation's agreement key; this module only
 * reads and writes the payload (signing is I/O and lives with the callers).
 */
export interface AgreementDocument {
  /** The nation whose data the document governs. */
  readonly nation: string;
  /** Grows with every change: a lower or equal version never replaces a document in force (no rollback). */
  readonly version: number;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** By partner nation. A partner with no entry gets nothing. */
  readonly partners: ReadonlyMap<string, AgreementTerms>;
}

export const AGREEMENT_STATUSES = ["ACTIVE", "PAUSED"] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export interface AgreementTerms {
  readonly status: AgreementStatus;
  /** Epoch ms from which the terms apply. */
  readonly validFrom: number;
  /** Epoch ms at which they stop (a sunset; required). */
  readonly expires: number;
  /** The highest classification released to this partner. */
  readonly ceiling: Classification;
  /** The purposes of use the release covers. */
  readonly purposes: ReadonlySet<string>;
  /** The types (`Type`) and fields (`Type.field`) released; null releases every type. */
  readonly covers: ReadonlySet<string> | null;
}

const COVERED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const PURPOSE = /^[A-Z][A-Z0-9_]*$/;

type Problems = string[];

// A date-time with its zone (Z or an offset): one without would be read in whatever zone the reader runs in.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(value: unknown, at: string, problems: Problems): number {
  const ms = typeof value === "string" && DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) problems.push(`${at}: must be an ISO 8601 date-time with its zone (Z or an offset)`);
  return ms;
}

/** Every key of `value` is one of `known`: a misspelt term (covers as coverz) must not silently mean "no limit". */
function onlyKnownKeys(value: object, known: readonly string[], at: string, problems: Problems): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) problems.push(`${at}: unknown ${unknown.length === 1 ? "key" : "keys"} ${unknown.join(", ")}`);
}

/** Versions stay far below 2^53, so that no document can use up the version space and block every later one. */
export const MAX_AGREEMENT_VERSION = 1_000_000_000;

function strings(value: unknown, at: string, pattern: RegExp, what: string, problems: Problems): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${at}: must list at least one ${what}`);
    return [];
  }
  const bad = value.filter((item) => typeof item !== "string" || !pattern.test(item));
  if (bad.length > 0) problems.push(`${at}: ${bad.map(String).join(", ")} must each be a ${what}`);
  return value.filter((item): item is string => typeof item === "string");
}

function parseTerms(partner: string, value: unknown, problems: Problems): AgreementTerms | undefined {
  const at = `partners.${partner}`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.push(`${at}: must be an object`);
    return undefined;
  }
  const terms = value as Record<string, unknown>;
  onlyKnownKeys(terms, ["status", "validFrom", "expires", "ceiling", "purposes", "covers"], at, problems);
  const status = terms.status;
  if (!AGREEMENT_STATUSES.includes(status as AgreementStatus)) problems.push(`${at}.status: must be ACTIVE or PAUSED`);
  const validFrom = instant(terms.validFrom, `${at}.validFrom`, problems);
  const expires = instant(terms.expires, `${at}.expires`, problems);
  if (validFrom >= expires) problems.push(`${at}: expires must be after validFrom`);
  if (!isClassification(terms.ceiling)) problems.push(`${at}.ceiling: must be a classification level`);
  const purposes = strings(terms.purposes, `${at}.purposes`, PURPOSE, "purpose code", problems);
  const covers = terms.covers === undefined ? null : strings(terms.covers, `${at}.covers`, COVERED, "Type or Type.field", problems);
  return {
    status: status as AgreementStatus,
    validFrom,
    expires,
    ceiling: terms.ceiling as Classification,
    purposes: new Set(purposes),
    covers: covers && new Set(covers),
  };
}

/**
 * Reads a decoded agreements payload. Throws a PolicyDocumentError naming
 * every problem, so that a malformed document never half-applies.
 */
export function parseAgreementDocument(input: unknown): AgreementDocument {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new PolicyDocumentError("agreements: must be an object with nation, version, issuedAt and partners");
  }
  const document = input as Record<string, unknown>;
  const problems: Problems = [];
  onlyKnownKeys(document, ["nation", "version", "issuedAt", "partners"], "agreements", problems);
  const nation = document.nation;
  if (typeof nation !== "string" || !isNationCode(nation)) problems.push("nation: must be an ISO 3166 alpha-3 code");
  const version = document.version;
  if (typeof version !== "number" || !Number.isSafeInteger(version) || version < 1 || version > MAX_AGREEMENT_VERSION)
    problems.push(`version: must be a whole number from 1 to ${MAX_AGREEMENT_VERSION}`);
  const issuedAt = instant(document.issuedAt, "issuedAt", problems);
  const partners = new Map<string, AgreementTerms>();
  const listed = document.partners;
  if (typeof listed !== "object" || listed === null || Array.isArray(listed)) problems.push("partners: must be an object by nation code");
  else
    for (const [partner, value] of Object.entries(listed)) {
      if (!isNationCode(partner)) problems.push(`partners: ${partner} is not an ISO 3166 alpha-3 code`);
      else if (partner === nation) problems.push(`partners: ${partner} is the document's own nation, which needs no agreement`);
      const terms = parseTerms(partner, value, problems);
      if (terms) partners.set(partner, terms);
    }
  if (problems.length > 0) throw new PolicyDocumentError(`Invalid agreements:\n  - ${problems.join("\n  - ")}`);
  return { nation: nation as string, version: version as number, issuedAt, partners };
}

/** The payload to sign: the inverse of parseAgreementDocument, partners in code order so that equal documents print alike. */
export function agreementDocumentJson(document: AgreementDocument): Record<string, unknown> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    nation: document.nation,
    version: document.version,
    issuedAt: iso(document.issuedAt),
    partners: Object.fromEntries(
      [...document.partners.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([partner, terms]) => [
          partner,
          {
            status: terms.status,
            validFrom: iso(terms.validFrom),
            expires: iso(terms.expires),
            ceiling: terms.ceiling,
            purposes: [...terms.purposes].sort(),
            ...(terms.covers ? { covers: [...terms.covers].sort() } : {}),
          },
        ]),
    ),
  };
}

/** The verified documents in force, by the nation they govern. A nation missing here shares nothing. */
export type AgreementBook = ReadonlyMap<string, AgreementDocument>;

/** A short, stable name for the versions in force (`DEU:3,FRA:7`), for cache keys and the audit record. */
export function agreementVersions(book: AgreementBook): string {
  return [...book.values()]
    .map((document) => `${document.nation}:${document.version}`)
    .sort()
    .join(",");
}
