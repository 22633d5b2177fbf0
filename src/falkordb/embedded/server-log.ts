import { open, stat } from 'node:fs/promises';

/** The server's log file (falkordb.log), shared by every run: a run's lines are those past its start offset. */

export async function logSize(logFile: string): Promise<number> {
  try {
    return (await stat(logFile)).size;
  } catch {
    return 0;
  }
}

/** The last `maxLines` lines written since `offset` (reads at most the last 16 KiB). */
export async function logLinesSince(logFile: string, offset: number, maxLines = 15): Promise<string[]> {
  try {
    const file = await open(logFile, 'r');
    try {
      const { size } = await file.stat();
      const start = Math.max(offset, size - 16 * 1024);
      if (size <= start) return [];
      const buffer = Buffer.alloc(size - start);
      await file.read(buffer, 0, buffer.length, start);
      const lines = buffer.toString('utf8').split('\n').map((line) => line.trimEnd()).filter(Boolean);
      return lines.slice(-maxLines);
    } finally {
      await file.close();
    }
  } catch {
    return [];
  }
}

/** The server logs this when its port is taken (bind: Address already in use). */
export function saysPortInUse(lines: readonly string[]): boolean {
  return lines.some((line) => /address already in use/i.test(line));
}
