import { Logger } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { OutageLog } from '../falkordb/outage-log';
import { AuthModuleOptions, DEFAULT_SHARED_STATE } from './auth.options';
import { sharedStateKey } from './shared-state-key';
import { errorMessage } from '../common/error-message';

/**
 * Commands on the state the instances share, next to the token graph. Never throws: when FalkorDB
 * cannot take them (unreachable, or the service user may not run them) the answer is undefined and
 * the caller keeps its state per instance; one warning when that starts, one line when it ends.
 */
export class SharedStateStore {
  /** False in `instance` mode: nothing is shared, every command answers undefined at once. */
  readonly enabled: boolean;
  private readonly outage: OutageLog;

  /** `what` names the state in the log, e.g. "Failed attempts". */
  constructor(
    options: AuthModuleOptions,
    private readonly store: FalkorDbConnection,
    logContext: string,
    what: string,
  ) {
    this.enabled = (options.sharedState ?? DEFAULT_SHARED_STATE) === 'falkordb';
    this.outage = new OutageLog(new Logger(logContext), {
      down: (reason) => `${what} are kept per instance until FalkorDB takes them again: ${reason}`,
      up: (downForMs) => `${what} are shared between instances again (after ${Math.round(downForMs / 100) / 10} s)`,
    });
  }

  /** The key `parts` names in this deployment (see sharedStateKey). */
  key(...parts: string[]): string {
    return sharedStateKey(this.store.tokenGraph, ...parts);
  }

  async run(args: string[]): Promise<unknown> {
    if (!this.enabled) return undefined;
    try {
      const reply = await this.store.command(args);
      this.outage.succeeded();
      return reply;
    } catch (error) {
      this.outage.failed(errorMessage(error));
      return undefined;
    }
  }
}
