import { Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { ErrorReply } from '@redis/client';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { StoreChangeFeed } from '../../falkordb/store-change-feed';
import { AUDIT_EVENT_LABEL } from '../../audit/audit-event';
import { errorMessage } from '../../common/error-message';

/**
 * Lookups on every request go through these indexes; counts_until finds tokens to stop counting,
 * expires_at and revoked_at the records past retention (range scans, so their cost follows the
 * work to do, not the size of the store). Listings read windows of their sort key's index
 * (created_at, expires_order, last_used_order for tokens; at for audit events) together with the
 * indexes of what they filter by (username, counts_until, expires_at, revoked; subject, token, type).
 * delivery_due finds events due for delivery, notice_due tokens due an expiry notice, idle_since
 * tokens unused too long: each is cleared once its work is done, so its scans follow the work too.
 */
const INDEXES = [
  'CREATE INDEX FOR (t:Token) ON (t.token_id)',
  'CREATE INDEX FOR (t:Token) ON (t.token_hash)',
  'CREATE INDEX FOR (t:Token) ON (t.username)',
  'CREATE INDEX FOR (t:Token) ON (t.counts_until)',
  'CREATE INDEX FOR (t:Token) ON (t.expires_at)',
  'CREATE INDEX FOR (t:Token) ON (t.revoked_at)',
  'CREATE INDEX FOR (u:User) ON (u.user_id)',
  'CREATE INDEX FOR (s:Session) ON (s.session_id)',
  'CREATE INDEX FOR (s:Session) ON (s.expires_at)',
  'CREATE INDEX FOR (s:Session) ON (s.revoked_at)',
  'CREATE INDEX FOR (t:Token) ON (t.created_at)',
  'CREATE INDEX FOR (t:Token) ON (t.expires_order)',
  'CREATE INDEX FOR (t:Token) ON (t.last_used_order)',
  'CREATE INDEX FOR (t:Token) ON (t.revoked)',
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.event_id)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.at)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.subject_username)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.subject_token_id)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.type)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.aggregate_key)`,
  `CREATE INDEX FOR (e:${AUDIT_EVENT_LABEL}) ON (e.delivery_due)`,
  'CREATE INDEX FOR (t:Token) ON (t.notice_due)',
  'CREATE INDEX FOR (t:Token) ON (t.idle_since)',
];

/**
 * Creates the token store's indexes at startup, and again whenever the store graph turns out to be
 * gone (deleted, flushed, swapped away: FalkorDbConnection.onStoreMissing, StoreChangeFeed.onStoreReplaced). Safe to run on every instance, every time.
 * There are no upgrades: nothing in the store is ever rewritten or signed because a marker there
 * says it should be (anyone who can write the store could have set the marker). A record written
 * without a valid MAC is refused, whenever and however it got there.
 */
@Injectable()
export class CredentialStoreSchema implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('CredentialStore');
  private recreating?: Promise<void>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly store: FalkorDbConnection,
    @Optional() changes?: StoreChangeFeed,
  ) {
    this.unsubscribe.push(store.onStoreMissing(() => this.recreate('was deleted or flushed')));
    if (changes) this.unsubscribe.push(changes.onStoreReplaced(() => this.recreate('was replaced or emptied (swapped or flushed)')));
  }

  async onModuleInit(): Promise<void> {
    await this.createIndexes();
    this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  /**
   * The store went away under the service: its schema is created again (once at a time), so the
   * service serves again without a restart. What the old store held is gone: its tokens are unknown.
   */
  private recreate(what: string): void {
    this.recreating ??= (async () => {
      try {
        // A store swapped for another that has the graph keeps it (its records still need their MACs).
        const missing = Number(await this.store.command(['EXISTS', this.store.tokenGraph])) !== 1;
        if (missing) this.logger.error(`The token store graph "${this.store.tokenGraph}" ${what}: credentials stored in it no longer authenticate; creating its schema again`);
        await this.createIndexes();
        if (missing) this.logger.log(`Token store schema created again in graph "${this.store.tokenGraph}"`);
      } catch (error) {
        this.logger.error(`Creating the token store schema again failed (${errorMessage(error)}); the next failed read tries again`);
      } finally {
        this.recreating = undefined;
      }
    })();
  }

  /** Every index (an existing one is left as it is); creating the first also creates the graph. */
  async createIndexes(): Promise<void> {
    for (const statement of INDEXES) {
      try {
        await this.store.query(this.store.tokenGraph, statement);
      } catch (error) {
        if (error instanceof ErrorReply && /already indexed/i.test(error.message)) continue;
        throw error;
      }
    }
  }
}
