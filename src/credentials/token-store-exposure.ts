import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import { FalkorDbConnection } from '../graph/falkordb-connection';

/** `isolated`: only admins can write the store graph; `exposed`: other users can; `unchecked`: the service user may not ask. */
export type TokenStoreExposureState = 'isolated' | 'exposed' | 'unchecked';

const CHECK_TIMEOUT_MS = 5000;

/**
 * Whether FalkorDB users other than admins can write the token graph (and so rewrite records,
 * which their MACs then refuse, or delete them). Checked at startup with `ACL DRYRUN` as the
 * service's user; a warning names the users, and readiness reports the state. The rule: keep the
 * store graph out of users' key patterns, or put the store on its own server (TOKEN_STORE_URL).
 */
@Injectable()
export class TokenStoreExposure implements OnApplicationBootstrap {
  private readonly logger = new Logger('TokenStoreExposure');
  private current: TokenStoreExposureState = 'unchecked';

  constructor(private readonly store: FalkorDbConnection) {}

  get state(): TokenStoreExposureState {
    return this.current;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
  }

  /** Runs the check again (never throws: a service user without ACL rights leaves it `unchecked`). */
  async check(): Promise<TokenStoreExposureState> {
    try {
      const connection = await this.store.falkordb.connection;
      const ask = (args: string[]) => withDeadline(connection.sendCommand(args), CHECK_TIMEOUT_MS);
      // ACL DRYRUN answers the simple string OK, or a bulk string saying why not.
      const allowed = async (args: string[]) => {
        const answer: unknown = await ask(['ACL', 'DRYRUN', ...args]);
        return typeof answer === 'string' && answer === 'OK';
      };
      const reply: unknown = await ask(['ACL', 'USERS']);
      const users = Array.isArray(reply) ? reply : [];
      const writers: string[] = [];
      for (const user of users.map(String)) {
        if (await allowed([user, 'ACL', 'GETUSER', user])) continue; // an admin: may do anything anyway
        if (await allowed([user, 'GRAPH.QUERY', this.store.tokenGraph, 'RETURN 1'])) writers.push(user);
      }
      this.current = writers.length ? 'exposed' : 'isolated';
      if (writers.length) {
        this.logger.warn(
          `FalkorDB users other than admins can write the token graph "${this.store.tokenGraph}": ${writers.join(', ')}. ` +
            'Rewritten records fail their integrity check, but such users can still delete them: keep the graph out of their ' +
            'key patterns (e.g. ~app:*) or put the token store on its own FalkorDB (TOKEN_STORE_URL).',
        );
      }
    } catch (error) {
      this.current = 'unchecked';
      this.logger.warn(`Cannot check who may write the token graph: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.current;
  }
}
