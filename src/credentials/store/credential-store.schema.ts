import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ErrorReply } from '@redis/client';
import { FalkorDbConnection } from '../../graph/falkordb-connection';
import { AUDIT_EVENT_LABEL } from '../../audit/audit-event';
import { CredentialStore } from '../credential-store';
import { TokenRepository } from './token.repository';

/**
 * Lookups on every request go through these indexes; counts_until finds tokens to stop counting,
 * expires_at and revoked_at the records past retention (range scans, so their cost follows the
 * work to do, not the size of the store). Listings read windows of their sort key's index
 * (created_at, expires_order, last_used_order for tokens; at for audit events) together with the
 * indexes of what they filter by (username, counts_until, expires_at, revoked; subject, token, type).
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
];

/**
 * Version 2: every user has its active-token counter and every record its MAC. Version 3: every
 * token has its listing order keys (expires_order, last_used_order).
 */
export const STORE_VERSION = 3;
/** Tokens one upgrade write covers (by internal node id). */
const UPGRADE_SPAN = 2000;
/** Records that a store is at STORE_VERSION (parameter `version`). */
export const MARK_UPGRADED = "MERGE (m:StoreMeta {key: 'schema'}) SET m.version = $version";

/** Creates the token store's indexes (and missing counters) at startup; safe to run on every instance, every time. */
@Injectable()
export class CredentialStoreSchema implements OnModuleInit {
  private readonly logger = new Logger('CredentialStore');

  constructor(
    private readonly store: FalkorDbConnection,
    private readonly tokens: TokenRepository,
    private readonly credentials: CredentialStore,
  ) {}

  /** The version the store's one-time upgrades have reached (0 for a store that never recorded one, new or old). */
  private async version(): Promise<number> {
    const rows = await this.store.readQuery(this.store.tokenGraph, "MATCH (m:StoreMeta {key: 'schema'}) RETURN m.version AS version");
    return Number(rows[0]?.version ?? 0);
  }

  async onModuleInit(): Promise<void> {
    for (const statement of INDEXES) {
      try {
        await this.store.query(this.store.tokenGraph, statement);
      } catch (error) {
        if (error instanceof ErrorReply && /already indexed/i.test(error.message)) continue;
        throw error;
      }
    }
    const version = await this.version();
    if (version >= STORE_VERSION) {
      this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
      return;
    }
    if (version < 2) {
      // Stores written before per-user counters and record MACs existed get them, once.
      let counted = 0;
      for (let batch = await this.tokens.countUncountedUsers(Date.now(), 500); batch > 0; batch = await this.tokens.countUncountedUsers(Date.now(), 500)) {
        counted += batch;
      }
      if (counted) this.logger.log(`Counted the active tokens of ${counted} users stored before per-user counters`);
      const signed = await this.credentials.signUnsignedRecords();
      if (signed) this.logger.log(`Signed ${signed} credential records stored before integrity MACs`);
    }
    // Tokens stored before listing order keys existed get them, once, paged by node id.
    let keyed = 0;
    const last = await this.tokens.lastNodeId();
    for (let from = 0; from <= last; from += UPGRADE_SPAN) keyed += await this.tokens.addMissingOrderKeys(from, UPGRADE_SPAN);
    if (keyed) this.logger.log(`Gave ${keyed} tokens stored before listing order keys their keys`);
    await this.store.query(this.store.tokenGraph, MARK_UPGRADED, { version: STORE_VERSION });
    this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
  }
}
