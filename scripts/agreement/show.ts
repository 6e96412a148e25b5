import type { AgreementDocument, AgreementTerms } from "@tearline/policy";
import { textTable } from "../text-table.js";
import { isoInstant } from "./commands.js";

const COLUMNS = ["partner", "status", "ceiling", "purposes", "covers", "valid from", "expires"] as const;

/** ACTIVE or PAUSED as signed, and whether the dates let it apply now. */
function statusAt(terms: AgreementTerms, now: number): string {
  if (now >= terms.expires) return `${terms.status} (expired)`;
  if (now < terms.validFrom) return `${terms.status} (not yet valid)`;
  return terms.status;
}

/** The document as a table for the operator: one partner a line, in code order, under a heading that says which version this is. */
export function renderAgreements(document: AgreementDocument, path: string, kid: string, now: number): string {
  const rows = [...document.partners.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([partner, terms]) => [
      partner,
      statusAt(terms, now),
      terms.ceiling,
      [...terms.purposes].sort().join(","),
      terms.covers === null ? "every type" : [...terms.covers].sort().join(","),
      isoInstant(terms.validFrom),
      isoInstant(terms.expires),
    ]);
  return [
    `${document.nation} sharing agreements, version ${document.version}, issued ${isoInstant(document.issuedAt)}`,
    `file ${path} (signed with agreement key ${kid})`,
    "",
    ...textTable(COLUMNS, rows, "(no partner: nothing is released to any other nation)"),
  ].join("\n");
}
