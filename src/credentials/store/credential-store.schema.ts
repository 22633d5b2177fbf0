import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ErrorReply } from '@redis/client';
import { FalkorDbConnection } from '../../graph/falkordb-connection';

/** Lookups on every request go through these indexes (username: the cap count on every mint, and lists). */
const INDEXES = [
  'CREATE INDEX FOR (t:Token) ON (t.token_id)',
  'CREATE INDEX FOR (t:Token) ON (t.token_hash)',
  'CREATE INDEX FOR (t:Token) ON (t.username)',
  'CREATE INDEX FOR (u:User) ON (u.user_id)',
  'CREATE INDEX FOR (s:Session) ON (s.session_id)',
];

/** Creates the token store's indexes at startup; safe to run on every instance, every time. */
@Injectable()
export class CredentialStoreSchema implements OnModuleInit {
  private readonly logger = new Logger('CredentialStore');

  constructor(private readonly store: FalkorDbConnection) {}

  async onModuleInit(): Promise<void> {
    for (const statement of INDEXES) {
      try {
        await this.store.query(this.store.tokenGraph, statement);
      } catch (error) {
        if (error instanceof ErrorReply && /already indexed/i.test(error.message)) continue;
        throw error;
      }
    }
    this.logger.log(`Token store ready in graph "${this.store.tokenGraph}"`);
  }
}
