export type SqlValue = string | number | null | readonly string[];

function literal(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  return value.length === 0 ? "'{}'::text[]" : `ARRAY[${value.map(literal).join(", ")}]`;
}

/** One multi-row INSERT, 50 rows a statement so that no statement is huge. */
export function insertRows(table: string, columns: readonly string[], rows: readonly SqlValue[][]): string {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += 50) {
    const values = rows.slice(i, i + 50).map((row) => `  (${row.map(literal).join(", ")})`);
    statements.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES\n${values.join(",\n")};`);
  }
  return statements.join("\n\n");
}
