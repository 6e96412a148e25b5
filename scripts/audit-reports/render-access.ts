import type { AccessReport } from "../../lib/audit/access-report.js";
import { textTable } from "../text-table.js";

/** What was read to make a report, for its heading: a folder of chains, or a database (its URL without the password). */
export type ReadSummary = ({ dir: string } | { database: string }) & { chains: number; entries: number };

/**
 * The access report as the operator reads it in a terminal: one line per
 * coordinate under its partner and purpose (the group's columns written once,
 * on its first line), then denials by reason, then flags.
 */
export function renderAccessReport(report: AccessReport, read: ReadSummary): string {
  const fieldRows = report.groups.flatMap((group) =>
    (group.fields.length > 0 ? group.fields : [undefined]).map((field, index) => [
      index === 0 ? group.partner : "",
      index === 0 ? group.purpose : "",
      index === 0 ? String(group.operations) : "",
      field?.coordinate ?? "(subgraph called, no field of its own asked for)",
      field ? String(field.allowed) : "",
      field ? String(field.redacted) : "",
      field ? String(field.rejected) : "",
    ]),
  );
  const denialRows = report.groups.flatMap((group) =>
    group.denials.map((denial) => [group.partner, group.purpose, denial.reason, String(denial.count)]),
  );
  const flagRows = report.flags.map((flag) => [flag.partner, flag.flag, flag.purpose ?? "", String(flag.count)]);
  return [
    `${report.nation} access report, ${report.from} to ${report.to} (end excluded)`,
    `${"dir" in read ? `audit folder ${read.dir}` : `audit database ${read.database}`}: ${read.chains} chain(s), ${read.entries} entries read; ${report.events} event(s) touched ${report.nation}'s data`,
    "",
    ...textTable(
      ["partner", "purpose", "operations", "field", "allowed", "redacted", "rejected"],
      fieldRows,
      `(no operation touched ${report.nation}'s data in this period)`,
    ),
    "",
    "denials by reason (a field denied for two reasons counts under both)",
    ...textTable(["partner", "purpose", "reason", "fields"], denialRows, "(none)"),
    "",
    "anomaly flags notified to this nation",
    ...textTable(["partner", "flag", "purpose", "count"], flagRows, "(none)"),
  ].join("\n");
}
