import { Module } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { StoreChangeFeed } from '../falkordb/store-change-feed';
import { PageCursors } from '../paging/page-cursors';
import { CredentialReader } from './credential-reader';
import { CredentialRetention } from './credential-retention';
import { CredentialSeal } from './credential-seal';
import { CredentialsModuleOptions } from './credentials.options';
import { CredentialWriter } from './credential-writer';
import { CREDENTIALS_MODULE_OPTIONS, ConfigurableCredentialsModule } from './credentials.module-definition';
import { CredentialNodesByKind } from './store/credential-nodes-by-kind';
import { CredentialStoreSchema } from './store/credential-store.schema';
import { RecentAuthReads } from './store/recent-auth-reads';
import { RevocationNotices } from './store/revocation-notices';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';
import { TokenStoreExposure } from './token-store-exposure';
import { TokenLifecycle } from './token-lifecycle';
import { ActiveTokenMetric } from './active-token-metric';
import { TokenLifecycleRepository } from './store/token-lifecycle.repository';

/** Without a change feed every request reads the store (nothing is remembered). */
const OPTIONAL_FEED = { token: StoreChangeFeed, optional: true };

/**
 * The one owner of stored credentials (PATs and sessions): their records, hashes and sealed
 * passwords in the token store, its schema, the purge of ended ones, and what time does to tokens
 * (expiry notices, unused-token revocation: TokenLifecycle). Its facade is
 * CredentialReader (verify, read, list) and CredentialWriter (store, rotate, revoke); nothing
 * outside sees a hash or a ciphertext. Needs FalkorDbModule (global) and the AuditModule its
 * importer hands it (`imports`), whose events its writes record.
 */
@Module({
  providers: [
    // First: its startup check runs before the schema is written (a refused store is never touched).
    TokenStoreExposure,
    CredentialStoreSchema,
    TokenRepository,
    SessionRepository,
    CredentialNodesByKind,
    CredentialSeal,
    { provide: RecentAuthReads, inject: [OPTIONAL_FEED], useFactory: (feed?: StoreChangeFeed) => new RecentAuthReads(feed) },
    {
      provide: RevocationNotices,
      inject: [FalkorDbConnection, CREDENTIALS_MODULE_OPTIONS, OPTIONAL_FEED],
      useFactory: (store: FalkorDbConnection, options: CredentialsModuleOptions, feed?: StoreChangeFeed) => new RevocationNotices(store, feed, options.encryptionKey),
    },
    CredentialWriter,
    CredentialReader,
    CredentialRetention,
    TokenLifecycleRepository,
    TokenLifecycle,
    ActiveTokenMetric,
    // Token listings' page cursors are signed with a key derived from the encryption key.
    { provide: PageCursors, inject: [CREDENTIALS_MODULE_OPTIONS], useFactory: (options: CredentialsModuleOptions) => new PageCursors(options.encryptionKey) },
  ],
  exports: [CredentialReader, CredentialWriter, TokenStoreExposure, TokenLifecycle, PageCursors],
})
export class CredentialsModule extends ConfigurableCredentialsModule {}
