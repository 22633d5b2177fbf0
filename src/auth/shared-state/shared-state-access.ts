import { Logger } from '@nestjs/common';
import { withDeadline } from '../../common/deadline';
import { errorMessage } from '../../common/error-message';
import { OutageLog } from '../../falkordb/outage-log';
import { sharedStateKey } from './shared-state-key';
import { SharedStateStorage } from './shared-state-storage';

/** Longest wait for the storage, the token store's own command timeout by default. */
const SHARED_STATE_DEADLINE_MS = 5000;

/**
 * One consumer's use of the SharedStateStorage. Never throws: when the storage cannot answer (or not
 * within 5 s), the answer is undefined and the consumer keeps its state per instance; one warning when that
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
      // A host's storage that never answers must not hold a request: it counts as unavailable.
      const answer = await withDeadline(operation(this.storage), SHARED_STATE_DEADLINE_MS);
      this.outage.succeeded();
      return answer;
    } catch (error) {
      this.outage.failed(errorMessage(error));
      return undefined;
    }
  }
}
