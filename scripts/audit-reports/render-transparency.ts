import type { Cell, TransparencyReport } from "../../lib/audit/transparency-report.js";

const percent = (rate: number | null) => (rate === null ? "–" : `${(rate * 100).toFixed(1)}%`);
const cell = (value: Cell) => String(value);

/** A Markdown table; the first `labels` columns are names (left), the rest counts (right). */
function markdownTable(columns: readonly string[], labels: number, rows: readonly (readonly string[])[]): string[] {
  const rule = columns.map((_, index) => (index < labels ? "---" : "---:"));
  return [`| ${columns.join(" | ")} |`, `| ${rule.join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`)];
}

/** The public summary as Markdown: the period, the table between partners, the flags, and the method. */
export function renderTransparencyReport(report: TransparencyReport): string {
  const rows = report.rows.map((row) => [
    row.caller === null ? "**all pairs**" : `${row.caller} → ${row.owner}`,
    row.purpose ?? (row.caller === null ? "" : "*all purposes*"),
    cell(row.operations),
    cell(row.fields),
    cell(row.redacted),
    percent(row.redactionRate),
    cell(row.refused),
    percent(row.denialRate),
  ]);
  const flags = report.flags.map((flag) => [flag.kind ?? "**all kinds**", flag.purpose ?? "", cell(flag.count)]);
  return [
    "# Tearline transparency report",
    "",
    `Period: ${report.from} to ${report.to} (UTC, end excluded). Counts below ${report.k} are shown as "<${report.k}".`,
    "",
    "## Requests between partners (caller → owner of the data)",
    "",
    ...(report.rows.length > 1
      ? markdownTable(
          ["caller → owner", "purpose", "operations", "fields", "redacted", "redaction rate", "refused", "denial rate"],
          2,
          rows,
        )
      : ["No operation between partners was recorded in this period."]),
    "",
    "## Anomaly flags",
    "",
    ...markdownTable(["kind", "new purpose", "flags"], 2, flags),
    "",
    "## Method",
    "",
    ...report.method.map((sentence) => `- ${sentence}`),
    "",
  ].join("\n");
}
