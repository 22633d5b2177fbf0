/** What a command prints: JSON (`--json`, for scripts) or text for people. */
export interface Output {
  json: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; an empty list says so. */
export function printTable(rows: ReadonlyArray<Record<string, string>>, columns: readonly string[], empty = 'Nothing to show'): void {
  if (rows.length === 0) {
    process.stdout.write(`${empty}\n`);
    return;
  }
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd();
  const text = [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))];
  process.stdout.write(`${text.join('\n')}\n`);
}

/** `key: value` lines, keys aligned. */
export function printFields(fields: ReadonlyArray<[string, string]>): void {
  const width = Math.max(...fields.map(([key]) => key.length));
  process.stdout.write(`${fields.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${value}`).join('\n')}\n`);
}
