/** Where OutageLog writes: a Nest Logger (or anything with its `log` and `warn`). */
export interface OutageLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** The two lines of an outage. */
export interface OutageMessages {
  /** The warning when it starts, given the first failure's reason. */
  down(reason: string): string;
  /** The line when it ends, given how long it lasted. */
  up(downForMs: number): string;
}

/**
 * Two log lines per outage of a dependency, however many failures it brings: a warning at the
 * first failure and one line at the first success after it. During an outage every request fails
 * and the client retries its connection over and over; a line for each (tens of thousands a
 * second were measured under load) buries everything else in the log and costs I/O exactly
 * when the service is struggling. The first failure's reason is the one worth reading.
 */
export class OutageLog {
  private downSince?: number;

  constructor(
    private readonly logger: OutageLogger,
    private readonly messages: OutageMessages,
    private readonly now: () => number = Date.now,
  ) {}

  /** True between a failure and the next success. */
  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  /** Something failed because the dependency is unavailable: warns if that starts an outage. */
  failed(reason: string): void {
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    this.logger.warn(this.messages.down(reason));
  }

  /** Something worked: logs the end of the outage, if there was one. */
  succeeded(): void {
    if (this.downSince === undefined) return;
    const downForMs = this.now() - this.downSince;
    this.downSince = undefined;
    this.logger.log(this.messages.up(downForMs));
  }
}
