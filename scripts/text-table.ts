/**
 * A table for the terminal: the heading, then the rows, each column as wide as
 * its widest cell, two spaces apart; `empty` stands under the heading when
 * there is no row.
 */
export function textTable(columns: readonly string[], rows: readonly (readonly string[])[], empty: string): string[] {
  const widths = columns.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join("  ")
      .trimEnd();
  return [line(columns), ...(rows.length > 0 ? rows.map(line) : [empty])];
}
