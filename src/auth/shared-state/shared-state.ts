import { Inject, Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { AUTH_MODULE_OPTIONS } from '../auth.module-definition';
import { AuthModuleOptions, DEFAULT_SHARED_STATE } from '../auth.options';
import { SharedStateAccess } from './shared-state-access';
import { SHARED_STATE_STORAGE, SharedStateStorage } from './shared-state-storage';

/**
 * The state the instances of one deployment share: whether they share it at all (`sharedState`),
 * through which storage, and under which key names (scoped by the token graph).
 */
@Injectable()
export class SharedState {
  private readonly enabled: boolean;

  constructor(
    @Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions,
    @Inject(SHARED_STATE_STORAGE) private readonly storage: SharedStateStorage,
    private readonly store: FalkorDbConnection,
  ) {
    this.enabled = (options.sharedState ?? DEFAULT_SHARED_STATE) === 'falkordb';
  }

  /** One consumer's access; its outages are logged under `logContext`, naming the state `what`. */
  access(logContext: string, what: string): SharedStateAccess {
    return new SharedStateAccess(this.enabled, this.storage, this.store.tokenGraph, logContext, what);
  }
}
