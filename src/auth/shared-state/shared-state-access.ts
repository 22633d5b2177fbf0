import { Logger } from '@nestjs/common';
import { errorMessage } from '../../common/error-message';
import { OutageLog } from '../../falkordb/outage-log';
import { sharedStateKey } from './shared-state-key';
import { SharedStateStorage } from './shared-state-storage';

/**
 * One consumer's use of the SharedStateStorage. Never throws: when the storage cannot answer, the
 * answer is undefined and the consumer keeps its state per instance; one warning when that
 * starts, one line when it ends. Disabled (`sharedState: 'instance'`), nothing is shared and every
 * operation answers undefined at once.
 */
export class SharedStateAccess {
  private readonly outage: OutageLog;

  /** `what` names the state in the log, e.g. "Failed attempts". */
  constructor(
    readonly enabled: boolean,
    private readonly storage: SharedStateStorage,
    private readonly tokenGraph: string,
    logContext: string,
    what: string,
  ) {
    this.outage = new OutageLog(new Logger(logContext), {
      down: (reason) => `${what} are kept per instance until the shared state storage takes them again: ${reason}`,
      up: (downForMs) => `${what} are shared between instances again (after ${Math.round(downForMs / 100) / 10} s)`,
    });
  }

  /** The key `parts` names in this deployment (see sharedStateKey). */
  key(...parts: string[]): string {
    return sharedStateKey(this.tokenGraph, ...parts);
  }

  async attempt<T>(operation: (storage: SharedStateStorage) => Promise<T>): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    try {
      const answer = await operation(this.storage);
      this.outage.succeeded();
      return answer;
    } catch (error) {
      this.outage.failed(errorMessage(error));
      return undefined;
    }
  }
}
