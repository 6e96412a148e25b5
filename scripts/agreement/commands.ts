import type { AgreementDocument, AgreementTerms } from "@tearline/policy";
import { type AgreementCommand, type TermsChanges, UsageError } from "./args.js";

/** A change to a document: the next version, and one line saying what changed. */
export interface Change {
  document: AgreementDocument;
  summary: string;
}

/** An instant for people to read: ISO 8601 in UTC, to the second. */
export const isoInstant = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const listed = (items: ReadonlySet<string> | null) => (items === null ? "every type" : [...items].sort().join(","));

/** The document with `partners` in place of its own, one version on, issued `now`. */
const next = (document: AgreementDocument, partners: Map<string, AgreementTerms>, now: number): AgreementDocument => ({
  nation: document.nation,
  version: document.version + 1,
  issuedAt: now,
  partners,
});

function entryOf(document: AgreementDocument, command: string, partner: string): AgreementTerms {
  const terms = document.partners.get(partner);
  if (!terms) throw new UsageError(`${document.nation} has no agreement with ${partner} to ${command}`);
  return terms;
}

/** What `set` says changed, term by term: `ceiling SECRET → CONFIDENTIAL`. */
function describe(before: AgreementTerms, after: AgreementTerms): string[] {
  const terms: Array<[string, (terms: AgreementTerms) => string]> = [
    ["ceiling", (t) => t.ceiling],
    ["purposes", (t) => listed(t.purposes)],
    ["valid from", (t) => isoInstant(t.validFrom)],
    ["expires", (t) => isoInstant(t.expires)],
    ["covers", (t) => listed(t.covers)],
  ];
  return terms.filter(([, show]) => show(before) !== show(after)).map(([name, show]) => `${name} ${show(before)} → ${show(after)}`);
}

function set(document: AgreementDocument, partner: string, changes: TermsChanges, now: number): Change | undefined {
  const before = document.partners.get(partner);
  if (!before && (changes.ceiling === undefined || changes.purposes === undefined || changes.expires === undefined)) {
    const missing = (["ceiling", "purposes", "expires"] as const).filter((term) => changes[term] === undefined);
    throw new UsageError(`${partner} has no agreement yet: a new one needs ${missing.map((term) => `--${term}`).join(", ")}`);
  }
  const after: AgreementTerms = {
    status: before?.status ?? "ACTIVE",
    validFrom: changes.validFrom ?? before?.validFrom ?? now,
    expires: (changes.expires ?? before?.expires)!,
    ceiling: (changes.ceiling ?? before?.ceiling)!,
    purposes: (changes.purposes ?? before?.purposes)!,
    covers: changes.covers === undefined ? (before?.covers ?? null) : changes.covers,
  };
  if (after.expires <= after.validFrom) {
    throw new UsageError(`expires ${isoInstant(after.expires)} would not be after valid from ${isoInstant(after.validFrom)}`);
  }
  const partners = new Map(document.partners).set(partner, after);
  if (!before) {
    const terms = `${after.ceiling}, ${listed(after.purposes)}, ${isoInstant(after.validFrom)} to ${isoInstant(after.expires)}, covers ${listed(after.covers)}`;
    return { document: next(document, partners, now), summary: `${partner} added, ACTIVE (${terms})` };
  }
  const changed = describe(before, after);
  if (changed.length === 0) return undefined;
  return { document: next(document, partners, now), summary: `${partner} ${changed.join(", ")}` };
}

/**
 * Applies a command that changes the terms to the verified current document:
 * the next version, or undefined when the document already says so (nothing
 * to sign). Throws a UsageError when the command does not fit the document.
 */
export function applyCommand(document: AgreementDocument, command: AgreementCommand, now: number): Change | undefined {
  switch (command.name) {
    case "pause":
    case "resume": {
      const terms = entryOf(document, command.name, command.partner);
      const status = command.name === "pause" ? "PAUSED" : "ACTIVE";
      if (terms.status === status) return undefined;
      const partners = new Map(document.partners).set(command.partner, { ...terms, status });
      return { document: next(document, partners, now), summary: `${command.partner} ${command.name === "pause" ? "paused" : "resumed"}` };
    }
    case "revoke": {
      entryOf(document, command.name, command.partner);
      const partners = new Map(document.partners);
      partners.delete(command.partner);
      return { document: next(document, partners, now), summary: `${command.partner} revoked (its entry is removed; it gets nothing)` };
    }
    case "set":
      return set(document, command.partner, command.changes, now);
    case "rotate-key":
      // The terms stay; the caller replaces the key before signing.
      return { document: next(document, new Map(document.partners), now), summary: "agreement key rotated, document re-signed" };
    case "show":
      throw new Error("show changes nothing");
  }
}
