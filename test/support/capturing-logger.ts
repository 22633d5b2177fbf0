import { LoggerService } from '@nestjs/common';

/** Records every log call as one text line (as a JSON log shipper would see it). */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];

  private capture(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push(JSON.stringify({ level, message, rest }));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.capture('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.capture('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.capture('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.capture('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.capture('verbose', message, rest);
  }
}
