import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ErrorReply } from '@redis/client';
import { FalkorDbConnection } from '../../graph/falkordb-connection';
import { CredentialStore } from '../credential-store';
import { TokenRepository } from './token.repository';

/**
 * Lookups on every request go through these indexes; counts_until finds tokens to stop counting,
 * expires_at and revoked_at the records past retention (range scans, so their cost follows the
 * work to do, not the size of the store).
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
];

/** Version 2: every user has its active-token counter and every record its MAC. */
export const STORE_VERSION = 2;
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

  /** Whether the one-time upgrades already ran on this store (new stores start upgraded: they are empty). */
  private async upgraded(): Promise<boolean> {
    const rows = await this.store.readQuery(this.store.tokenGraph, "MATCH (m:StoreMeta {key: 'schema'}) RETURN m.version AS version");
    return Number(rows[0]?.version ?? 0) >= STORE_VERSION;
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
    if (await this.upgraded()) {
      this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
      return;
    }
    // Stores written before per-user counters and record MACs existed get them, once.
    let counted = 0;
    for (let batch = await this.tokens.countUncountedUsers(Date.now(), 500); batch > 0; batch = await this.tokens.countUncountedUsers(Date.now(), 500)) {
      counted += batch;
    }
    if (counted) this.logger.log(`Counted the active tokens of ${counted} users stored before per-user counters`);
    const signed = await this.credentials.signUnsignedRecords();
    if (signed) this.logger.log(`Signed ${signed} credential records stored before integrity MACs`);
    await this.store.query(this.store.tokenGraph, MARK_UPGRADED, { version: STORE_VERSION });
    this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
  }
}
