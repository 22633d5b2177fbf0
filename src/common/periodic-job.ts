import { Logger } from '@nestjs/common';
import { errorMessage } from './error-message';

/** Records one write touches: small enough that authentication never waits long behind it. */
export const JOB_BATCH = 500;
/** Batches per step and cycle, so one cycle after a long pause cannot run for minutes. */
const MAX_BATCHES_PER_CYCLE = 100;

/**
 * A background job of the store (purge, token lifecycle): one cycle at a time on a timer that
 * never keeps the process alive, a failed cycle logged and tried again at the next, and a stop that
 * waits for the cycle under way. Its work goes in small batches (`inBatches`) that stop with it.
 */
export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stoppedFlag = false;

  constructor(
    private readonly cycle: (now: number) => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** What a failed cycle is called in the log ("Purge", "Token lifecycle scan"). */
    private readonly name: string,
  ) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** The first cycle after `firstDelayMs`, then one `intervalMs` after each. */
  start(firstDelayMs = this.intervalMs): void {
    this.schedule(firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stoppedFlag = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Runs `step` (it does one batch of JOB_BATCH and says whether a full batch was there to do, and
   * how much it did) until a batch comes short, the job stops, or the cycle's batches are used up.
   */
  async inBatches(step: (batch: number) => Promise<{ full: boolean; done: number }>): Promise<number> {
    let total = 0;
    for (let round = 0; round < MAX_BATCHES_PER_CYCLE && !this.stoppedFlag; round += 1) {
      const { full, done } = await step(JOB_BATCH);
      total += done;
      if (!full) break;
    }
    return total;
  }

  private schedule(delay: number): void {
    if (this.stoppedFlag) return;
    this.timer = setTimeout(() => {
      this.running = this.cycle(Date.now())
        // The store may be down: the next cycle tries again.
        .catch((error: unknown) => this.logger.warn(`${this.name} skipped: ${errorMessage(error)}`))
        .finally(() => this.schedule(this.intervalMs));
    }, delay);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }
}
