/** What a command prints: JSON (`--json`, for scripts) or text for people. */
export interface Output {
  json: boolean;
}

/**
 * Text from the service as the terminal may show it: control characters (C0, DEL, C1) become
 * `?`, so a token name or a username someone typed cannot move the cursor, rewrite lines or set
 * the clipboard through escape sequences on an admin's terminal.
 */
export function printable(text: string): string {
   
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
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
  const safeRows = rows.map((row) => Object.fromEntries(columns.map((column) => [column, printable(row[column] ?? '')])));
  const widths = columns.map((column) => Math.max(column.length, ...safeRows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd();
  const text = [line(columns.map((column) => printable(column).toUpperCase())), ...safeRows.map((row) => line(columns.map((column) => row[column])))];
  process.stdout.write(`${text.join('\n')}\n`);
}

/** `key: value` lines, keys aligned. */
export function printFields(fields: ReadonlyArray<[string, string]>): void {
  const width = Math.max(...fields.map(([key]) => key.length));
  process.stdout.write(`${fields.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${printable(value)}`).join('\n')}\n`);
}
