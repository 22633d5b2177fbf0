import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { errorMessage } from '../common/error-message';


/** `isolated`: only admins can write the store graph; `exposed`: other users can; `unchecked`: the service user may not ask. */
export type TokenStoreExposureState = 'isolated' | 'exposed' | 'unchecked';

const CHECK_TIMEOUT_MS = 5000;

/** Startup stopped: users other than admins can write the token store, and the policy is `refuse`. */
export class TokenStoreExposedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenStoreExposedError';
  }
}

/**
 * Whether FalkorDB users other than admins can write the token graph, and so the records and
 * shared state the service acts on: they could delete records, roll a record back to an earlier
 * signed state, or lock others out (MACs keep them from forging anything). Checked at startup with
 * `ACL DRYRUN` as the service's user; readiness reports the state. The remedy: the store on a server
 * of its own (the embedded default, or TOKEN_STORE_URL), or ACLs that keep the graph and the
 * `falkordb-pat:*` keys out of users' key patterns. Under the `refuse` policy an exposed store stops
 * startup.
 */
@Injectable()
export class TokenStoreExposure implements OnModuleInit {
  private readonly logger = new Logger('TokenStoreExposure');
  private current: TokenStoreExposureState = 'unchecked';

  constructor(
    private readonly store: FalkorDbConnection,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
  ) {}

  get state(): TokenStoreExposureState {
    return this.current;
  }

  /** Before the schema is written: a store the service refuses is never touched. */
  async onModuleInit(): Promise<void> {
    const writers = await this.check();
    if (this.current === 'unchecked' && this.options.exposurePolicy === 'refuse') {
      // Fail closed: a store nobody could vouch for is treated as one users may write.
      throw new TokenStoreExposedError(
        `Cannot tell who may write the token graph "${this.store.tokenGraph}" (the service's FalkorDB user may not run ACL LIST / ACL DRYRUN). ` +
          'Let it run them, put the token store on a FalkorDB of its own (TOKEN_STORE_URL), or set TOKEN_STORE_EXPOSURE=accept to start anyway.',
      );
    }
    if (this.current !== 'exposed') return;
    const where = `FalkorDB users other than admins can write the token graph "${this.store.tokenGraph}" (${writers.join(', ')})`;
    const remedy =
      'Put the token store on a FalkorDB of its own (TOKEN_STORE_URL, or the embedded default), or keep the graph and the ' +
      '`falkordb-pat:*` keys out of those users\' key patterns (e.g. ~app:*)';
    switch (this.options.exposurePolicy) {
      case 'refuse':
        throw new TokenStoreExposedError(
          `${where}: they could delete records, roll them back to an earlier state or lock users out. ${remedy}; ` +
            'or set TOKEN_STORE_EXPOSURE=accept to start anyway.',
        );
      case 'accept':
        this.logger.log(`${where}; accepted by configuration (TOKEN_STORE_EXPOSURE=accept)`);
        return;
      default:
        this.logger.warn(`${where}. Rewritten records fail their integrity check, but such users can still delete them or roll them back. ${remedy}.`);
    }
  }

  /**
   * Runs the check again and answers the users who can write the store (never throws: a service
   * user without ACL rights leaves it `unchecked`). Disabled users (`off`) cannot log in and are
   * left out; admins may do anything anyway. "Write" is anything that changes what the service
   * reads: the graph by query, deletion, renaming or restoring over it, the shared `falkordb-pat:`
   * keys, or the whole database (FLUSHALL, FLUSHDB, SWAPDB).
   */
  async check(): Promise<string[]> {
    const writers: string[] = [];
    try {
      const connection = await this.store.falkordb.connection;
      const ask = (args: string[]) => withDeadline(connection.sendCommand(args), CHECK_TIMEOUT_MS);
      // ACL DRYRUN answers the simple string OK, or a bulk string saying why not.
      const allowed = async (args: string[]) => {
        const answer: unknown = await ask(['ACL', 'DRYRUN', ...args]);
        return typeof answer === 'string' && answer === 'OK';
      };
      const graph = this.store.tokenGraph;
      const sharedKey = `falkordb-pat:${graph}:probe`;
      const writes = [
        ['GRAPH.QUERY', graph, 'RETURN 1'],
        ['GRAPH.DELETE', graph],
        ['DEL', graph],
        ['RENAME', sharedKey, graph],
        ['RESTORE', graph, '0', 'x'],
        ['SET', sharedKey, 'x'],
        ['FLUSHALL'],
        ['FLUSHDB'],
        ['SWAPDB', '0', '1'],
      ];
      for (const user of enabledUsers(await ask(['ACL', 'LIST']))) {
        if (await allowed([user.name, 'ACL', 'GETUSER', user.name])) {
          // An admin may do anything anyway; one without a password is anyone who reaches the server.
          if (user.noPassword) writers.push(`${user.name} (an admin without a password)`);
          continue;
        }
        const answers = await Promise.all(writes.map((write) => allowed([user.name, ...write])));
        if (answers.some(Boolean)) writers.push(user.name);
      }
      this.current = writers.length ? 'exposed' : 'isolated';
    } catch (error) {
      this.current = 'unchecked';
      this.logger.warn(`Cannot check who may write the token graph: ${errorMessage(error)}`);
    }
    return writers;
  }
}

interface AclUser {
  name: string;
  noPassword: boolean;
}

/** The users of `ACL LIST` (`user <name> on|off [nopass] ...` per line) that can log in. */
function enabledUsers(reply: unknown): AclUser[] {
  const lines = Array.isArray(reply) ? reply.map(String) : [];
  return lines.flatMap((line) => {
    const [keyword, name, ...rules] = line.split(' ');
    if (keyword !== 'user' || !name || !rules.includes('on')) return [];
    return [{ name, noPassword: rules.includes('nopass') }];
  });
}
