import { AccessLog, AccessLogEntry } from './access-log';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `14:03:07.215 GET /api/auth/tokens 200 3.1 ms`: what a developer reads in a terminal. */
export function prettyLine(entry: AccessLogEntry, at: Date): string {
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  return `${time} ${entry.method} ${entry.path} ${entry.status} ${entry.durationMs} ms`;
}

/** One readable line per request (LOG_FORMAT=pretty), written as it happens. */
export class PrettyAccessLog implements AccessLog {
  constructor(private readonly stream: Pick<NodeJS.WritableStream, 'write'>) {}

  record(entry: AccessLogEntry): void {
    this.stream.write(`${prettyLine(entry, new Date())}\n`);
  }

  flush(): void {}
}
