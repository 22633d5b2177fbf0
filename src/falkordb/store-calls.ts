import { Logger } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import { errorMessage } from '../common/error-message';
import { StoreUnavailableError } from './falkordb-errors';
import { OutageLog } from './outage-log';
import { isReadOnlyReply, isUnavailableError } from './store-errors';

/**
 * Calls on the token store, each within the command timeout, and what its outages look like:
 * one warning when the store becomes unavailable (a failed command, PING or reconnect, whichever
 * comes first) and one line when it answers again, not one per failed request or retry.
 */
export class StoreCalls {
  private readonly outage: OutageLog;

  constructor(
    logger: Logger,
    private readonly timeoutMs: number,
    /** Told of every unavailable answer (under Sentinel: look the primary up now). */
    private readonly onUnavailable: () => void,
  ) {
    this.outage = new OutageLog(logger, {
      down: (reason) => `Token store unavailable: ${reason}`,
      up: (downForMs) => `Token store reachable again after ${Math.round(downForMs / 100) / 10} s`,
    });
  }

  /**
   * One call within the timeout. Unreachable, or a demoted primary refusing a write (READONLY):
   * StoreUnavailableError. Any other rejection is the server's answer: it is reachable, and the
   * error goes to the caller as it is.
   */
  async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      const reply = await withDeadline(work(), this.timeoutMs);
      this.outage.succeeded();
      return reply;
    } catch (error) {
      if (isUnavailableError(error) || isReadOnlyReply(error)) {
        this.unavailable(errorMessage(error));
        throw new StoreUnavailableError();
      }
      this.outage.succeeded();
      throw error;
    }
  }

  /** The store answered (a probe of its own, e.g. PING). */
  answered(): void {
    this.outage.succeeded();
  }

  /** The store did not answer, or answered in a way that makes it unusable. */
  unavailable(reason: string): void {
    this.outage.failed(reason);
    this.onUnavailable();
  }

  /** Logged as an outage without looking the primary up (a connection's own error events). */
  failed(reason: string): void {
    this.outage.failed(reason);
  }
}
