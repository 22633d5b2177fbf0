import type { LoggerService } from '@nestjs/common';

/** One request, as logged: never headers, bodies or query strings (they may carry secrets). */
export interface AccessLogEntry {
  requestId: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  client: string;
}

/** Where request lines go. */
export interface AccessLog {
  record(entry: AccessLogEntry): void;
  /** Writes out whatever is pending (before the process exits). */
  flush(): void;
}

/** Through a Nest logger (tests capture lines this way; a host's own logger). */
export class LoggerAccessLog implements AccessLog {
  constructor(private readonly logger: Pick<LoggerService, 'log'>) {}

  record(entry: AccessLogEntry): void {
    this.logger.log(entry, 'HTTP');
  }

  flush(): void {}
}

/** No request lines (LOG_LEVEL above `log`). */
export class SilentAccessLog implements AccessLog {
  record(): void {}

  flush(): void {}
}

/** A string field as JSON.stringify writes it, or nothing when it is not a string (a client gone before its address was read). */
const textField = (name: string, value: unknown): string[] => (typeof value === 'string' ? [`"${name}":${JSON.stringify(value)}`] : []);

/** A number field as JSON.stringify writes it (null when not finite). */
const numberField = (name: string, value: number): string => `"${name}":${Number.isFinite(value) ? String(value) : 'null'}`;

/**
 * `JSON.stringify({ level, pid, timestamp, message: entry, context })`, byte for byte, built by hand:
 * it runs once per request, and only the strings need escaping.
 */
export function jsonLine(entry: AccessLogEntry, timestamp: number): string {
  const { requestId, method, path, status, durationMs, client } = entry;
  const message = [
    ...textField('requestId', requestId),
    ...textField('method', method),
    ...textField('path', path),
    numberField('status', status),
    numberField('durationMs', durationMs),
    ...textField('client', client),
  ].join(',');
  return `{"level":"log","pid":${process.pid},"timestamp":${timestamp},"message":{${message}},"context":"HTTP"}`;
}

/** Lines waiting are written at once past this many, not only at the end of the event-loop turn. */
const MAX_PENDING_LINES = 512;

/**
 * JSON lines in the shape of Nest's JSON console logger (`level`, `pid`, `timestamp`, `message`,
 * `context`), gathered during one event-loop turn and written with one call: under load, one write
 * per request (a synchronous syscall when stdout is a file) costs more than the request's logic.
 */
export class BufferedJsonAccessLog implements AccessLog {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly stream: Pick<NodeJS.WritableStream, 'write'>) {}

  record(entry: AccessLogEntry): void {
    this.pending.push(jsonLine(entry, Date.now()));
    if (this.pending.length >= MAX_PENDING_LINES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.stream.write(`${lines.join('\n')}\n`);
  }
}
