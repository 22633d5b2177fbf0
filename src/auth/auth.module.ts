import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { CredentialStore } from '../credentials/credential-store';
import { CREDENTIAL_STORE_OPTIONS, CredentialStoreOptions } from '../credentials/credential-store.options';
import { CREDENTIAL_PROVIDERS } from '../credentials/credentials.providers';
import { TokenStoreExposure } from '../credentials/token-store-exposure';
import { DEFAULT_TOKEN_STORE_EXPOSURE } from '../credentials/token-store-exposure-policy';
import { AuthController } from './auth.controller';
import { AUTH_MODULE_OPTIONS, ConfigurableAuthModule } from './auth.module-definition';
import {
  AuthModuleOptions,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_MAX_SESSIONS_PER_USER,
  DEFAULT_PURGE_INTERVAL_MS,
  DEFAULT_TOKEN_RETENTION_DAYS,
} from './auth.options';
import { AUDIT_PROVIDERS } from '../audit/audit.providers';
import { AuditService } from '../audit/audit.service';
import { AuditEventAggregator } from '../audit/audit-event-aggregator';
import { PageCursors } from '../paging/page-cursors';

function credentialStoreOptionsOf(options: AuthModuleOptions): CredentialStoreOptions {
  return {
    encryptionKey: options.encryptionKey,
    maxSessionsPerUser: options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
    retentionDays: options.tokenRetentionDays ?? DEFAULT_TOKEN_RETENTION_DAYS,
    auditRetentionDays: options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    purgeIntervalMs: options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS,
    exposurePolicy: options.tokenStoreExposure ?? DEFAULT_TOKEN_STORE_EXPOSURE,
  };
}
import { AdminRoleRecheck } from './admin-role-recheck';
import { AttemptLimiter } from './attempt-limiter';
import { AuthSettings } from './auth-settings';
import { FalkorDbLoginService } from './falkordb-login.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtIssuer } from './jwt-issuer';
import { JwtStrategy } from './jwt.strategy';
import { ServerIdentity } from './server-identity';
import { SessionService } from './session.service';
import { SharedAdminConfirmations } from './shared-admin-confirmations';
import { SharedFailureWindows } from './shared-failure-windows';

/**
 * Who is calling: FalkorDB logins, sessions, the JwtStrategy (PAT or session, revocation checked
 * in FalkorDB), guards, the credential store (src/credentials, exported as its facade
 * CredentialStore) and the audit log of what happens to credentials (src/audit, `GET /audit`).
 * Needs FalkorDbModule (global) for FalkorDB access.
 */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    ...CREDENTIAL_PROVIDERS,
    ...AUDIT_PROVIDERS,
    { provide: CREDENTIAL_STORE_OPTIONS, inject: [AUTH_MODULE_OPTIONS], useFactory: credentialStoreOptionsOf },
    // Page cursors are signed with a key derived from the encryption key.
    { provide: PageCursors, inject: [CREDENTIAL_STORE_OPTIONS], useFactory: (options: CredentialStoreOptions) => new PageCursors(options.encryptionKey) },
    AuthSettings,
    SharedFailureWindows,
    AttemptLimiter,
    FalkorDbLoginService,
    JwtIssuer,
    SessionService,
    SharedAdminConfirmations,
    AdminRoleRecheck,
    ServerIdentity,
    JwtStrategy,
    JwtAuthGuard,
    RolesGuard,
  ],
  exports: [
    CredentialStore,
    TokenStoreExposure,
    AuthSettings,
    AttemptLimiter,
    FalkorDbLoginService,
    JwtIssuer,
    SessionService,
    ServerIdentity,
    JwtAuthGuard,
    RolesGuard,
    PageCursors,
    AuditService,
    // JwtAuthGuard, which hosts use on their own routes, records refusals through it.
    AuditEventAggregator,
  ],
})
export class AuthModule extends ConfigurableAuthModule {}
