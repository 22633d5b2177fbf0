import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AuditModule } from '../audit/audit.module';
import { AuditModuleOptions } from '../audit/audit.options';
import { EventDeliveryModule } from '../event-delivery/event-delivery.module';
import { EventDeliveryOptions } from '../event-delivery/event-delivery.options';
import { resolveEventWebhook } from '../event-delivery/event-webhook.options';
import { withOptionsShared } from '../common/configurable-module';
import { CredentialsModuleOptions } from '../credentials/credentials.options';
import { CredentialsModule } from '../credentials/credentials.module';
import { DEFAULT_TOKEN_STORE_EXPOSURE } from '../credentials/token-store-exposure-policy';
import { AuthController } from './auth.controller';
import { AUTH_ASYNC_OPTIONS_TYPE, AUTH_MODULE_OPTIONS, AUTH_OPTIONS_TYPE, ConfigurableAuthModule } from './auth.module-definition';
import {
  AuthModuleOptions,
  DEFAULT_AUDIT_RETENTION_DAYS,
  DEFAULT_EXPIRY_NOTICE_DAYS,
  DEFAULT_LIFECYCLE_SCAN_INTERVAL_MS,
  DEFAULT_MAX_SESSIONS_PER_USER,
  DEFAULT_PURGE_INTERVAL_MS,
  DEFAULT_TOKEN_RETENTION_DAYS,
} from './auth.options';
import { AdminRoleRecheck } from './admin-role-recheck';
import { AttemptLimiter } from './attempt-limiter';
import { AuthSettings } from './auth-settings';
import { FalkorDbLoginService } from './falkordb-login.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtIssuer } from './jwt-issuer';
import { JwtStrategy } from './jwt.strategy';
import { REMEMBERED_CREDENTIAL_CHECK } from './remembered-credential-check';
import { ServerIdentity } from './server-identity';
import { SessionService } from './session.service';
import { SharedAdminConfirmations } from './shared-state/shared-admin-confirmations';
import { SharedFailureWindows } from './shared-state/shared-failure-windows';
import { FalkorDbSharedStateStorage } from './shared-state/falkordb-shared-state-storage';
import { SHARED_STATE_STORAGE } from './shared-state/shared-state-storage';
import { SharedState } from './shared-state/shared-state';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';

function credentialStoreOptionsOf(options: AuthModuleOptions): CredentialsModuleOptions {
  return {
    encryptionKey: options.encryptionKey,
    maxSessionsPerUser: options.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER,
    retentionDays: options.tokenRetentionDays ?? DEFAULT_TOKEN_RETENTION_DAYS,
    auditRetentionDays: options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    purgeIntervalMs: options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS,
    exposurePolicy: options.tokenStoreExposure ?? DEFAULT_TOKEN_STORE_EXPOSURE,
    rotationReuseGraceMs: (options.rotationReuseGraceSeconds ?? 0) * 1000,
    expiryNoticeDays: options.expiryNoticeDays ?? DEFAULT_EXPIRY_NOTICE_DAYS,
    revokeUnusedAfterDays: options.revokeUnusedAfterDays ?? null,
    lifecycleScanIntervalMs: options.lifecycleScanIntervalMs ?? DEFAULT_LIFECYCLE_SCAN_INTERVAL_MS,
  };
}

/** Holds the options the host's factory made, for AuthModule and the modules below it. */
@Module({})
class AuthOptionsModule {}

/** AuditModule, CredentialsModule and EventDeliveryModule, configured from AuthModule's options (the one encryption key). */
function modulesBelow(options: DynamicModule): DynamicModule[] {
  const audit = AuditModule.forRootAsync({ imports: [options], inject: [AUTH_MODULE_OPTIONS], useFactory: auditOptionsOf });
  const credentials = CredentialsModule.forRootAsync({ imports: [options, audit], inject: [AUTH_MODULE_OPTIONS], useFactory: credentialStoreOptionsOf });
  const delivery = EventDeliveryModule.forRootAsync({ imports: [options, audit, credentials], inject: [AUTH_MODULE_OPTIONS], useFactory: eventDeliveryOptionsOf });
  return [audit, credentials, delivery];
}

function auditOptionsOf(options: AuthModuleOptions): AuditModuleOptions {
  const webhook = options.eventWebhook && resolveEventWebhook(options.eventWebhook);
  return { encryptionKey: options.encryptionKey, deliveredEventTypes: webhook ? [...webhook.events] : [] };
}

function eventDeliveryOptionsOf(options: AuthModuleOptions): EventDeliveryOptions {
  return {
    webhook: options.eventWebhook && resolveEventWebhook(options.eventWebhook),
    exposurePolicy: options.tokenStoreExposure ?? DEFAULT_TOKEN_STORE_EXPOSURE,
  };
}

/**
 * Who is calling: FalkorDB logins, sessions, the JwtStrategy (PAT or session, revocation checked
 * in FalkorDB), guards and limits. It imports and re-exports CredentialsModule (the credential
 * store's facade, CredentialReader and CredentialWriter) and AuditModule (AuditService), both
 * configured from its options. Global, as a host expects of its authentication: its guards are
 * used on the host's own routes. Needs FalkorDbModule (global) for FalkorDB access.
 */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    AuthSettings,
    {
      provide: SHARED_STATE_STORAGE,
      inject: [AUTH_MODULE_OPTIONS, FalkorDbConnection],
      useFactory: (options: AuthModuleOptions, store: FalkorDbConnection) => options.sharedStateStorage ?? new FalkorDbSharedStateStorage(store),
    },
    SharedState,
    SharedFailureWindows,
    AttemptLimiter,
    FalkorDbLoginService,
    JwtIssuer,
    SessionService,
    SharedAdminConfirmations,
    AdminRoleRecheck,
    ServerIdentity,
    JwtStrategy,
    { provide: REMEMBERED_CREDENTIAL_CHECK, useExisting: JwtStrategy },
    JwtAuthGuard,
    RolesGuard,
  ],
  exports: [AuthSettings, AttemptLimiter, FalkorDbLoginService, JwtIssuer, SessionService, ServerIdentity, REMEMBERED_CREDENTIAL_CHECK, JwtAuthGuard, RolesGuard],
})
export class AuthModule extends ConfigurableAuthModule {
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    return withOptionsShared(super.forRoot(options), AUTH_MODULE_OPTIONS, AuthOptionsModule, modulesBelow);
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    return withOptionsShared(super.forRootAsync(options), AUTH_MODULE_OPTIONS, AuthOptionsModule, modulesBelow);
  }
}
