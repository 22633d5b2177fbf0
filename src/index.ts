/**
 * Public entry point of the package (`import { FalkorDbPatModule, ... } from 'falkordb-pat'`): the
 * Nest modules, services, guards, decorators, options types, injection tokens and errors a host
 * application needs to embed FalkorDB Personal Access Tokens. Everything else under src/ is internal.
 */
import type { ConfigurableModuleOptionsFactory } from '@nestjs/common';
import type { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE } from './auth/auth.module-definition';
import type { AuthModuleOptions } from './auth/auth.options';
import type { FALKORDB_ASYNC_OPTIONS_TYPE, FALKORDB_OPTIONS_TYPE } from './falkordb/falkordb.module-definition';
import type { FalkorDbModuleOptions } from './falkordb/falkordb.options';
import type { GRAPH_API_ASYNC_OPTIONS_TYPE, GRAPH_API_OPTIONS_TYPE } from './graph-api/graph-api.module-definition';
import type { GraphApiModuleOptions } from './graph-api/graph-api.options';
import type { TOKENS_ASYNC_OPTIONS_TYPE, TOKENS_OPTIONS_TYPE } from './tokens/tokens.module-definition';
import type { TokensModuleOptions } from './tokens/tokens.options';

// Everything in one import (the common case).
export {
  FalkorDbPatModule,
  type FalkorDbPatAsyncOptions,
  type FalkorDbPatOptions,
  type FalkorDbPatStaticOptions,
} from './falkordb-pat.module';
export type { SettingsPageOptions } from './settings-page/settings-page.options';

// FalkorDbModule: the FalkorDB connection layer (URL, the host's own client, or an embedded server).
export { FalkorDbModule } from './falkordb/falkordb.module';
export { FALKORDB_MODULE_OPTIONS } from './falkordb/falkordb.module-definition';
export { FalkorDbConnection } from './falkordb/falkordb-connection';
export { FalkorDbHealthIndicator, type FalkorDbHealthResult } from './falkordb/falkordb-health.indicator';
export {
  DEFAULT_TOKEN_GRAPH,
  validateFalkorDbOptions,
  type EmbeddedFalkorDbOptions,
  type FalkorDbModuleOptions,
} from './falkordb/falkordb.options';
export type { UserConnectionPoolLimits } from './falkordb/user-connections/user-connection-pool';
export type { ServerAddress } from './falkordb/server-address';

// Auth module: logins, sessions, the JWT strategy, guards and decorators, and the credential store.
export { AuthModule } from './auth/auth.module';
export { AUTH_MODULE_OPTIONS, DEFAULT_AUTH_ROUTE_PREFIX } from './auth/auth.module-definition';
export { validateAuthOptions, type AuthModuleOptions, type SharedStateMode } from './auth/auth.options';
export { SHARED_STATE_STORAGE, type SharedStateStorage, type ExpiringValue } from './auth/shared-state/shared-state-storage';
export { FalkorDbSharedStateStorage } from './auth/shared-state/falkordb-shared-state-storage';
export { JwtAuthGuard } from './auth/guards/jwt-auth.guard';
export { RolesGuard } from './auth/guards/roles.guard';
export { Roles } from './auth/decorators/roles.decorator';
export { CurrentPrincipal } from './auth/decorators/current-principal.decorator';
export {
  Authenticated,
  BEARER_SCHEME,
  SESSION_SCHEME,
  type AuthenticatedOptions,
} from './auth/decorators/authenticated.decorator';
export type { CredentialKind, Principal } from './domain/principal';
export { ROLES, isRole, type Role } from './domain/role';
export { CredentialReader } from './credentials/credential-reader';
export { CredentialWriter } from './credentials/credential-writer';
export { CredentialsModule } from './credentials/credentials.module';
export { AuditModule } from './audit/audit.module';
export type { CredentialRef } from './domain/credential-kind';
export type { RequestOrigin } from './domain/request-origin';

// The audit log: AuditService (provided by AuthModule) reads it from the host's code; AuditApiModule serves `GET <routePrefix>/audit`.
export { AuditService } from './audit/audit.service';
export { AUDIT_EVENT_TYPES, type AuditEventType } from './audit/audit-event';
export { AuditApiModule } from './audit/http/audit-api.module';
export { isValidWebhookSignature, webhookSignature, WEBHOOK_HEADERS } from './event-delivery/webhook-signature';
export type { EventWebhookOptions } from './event-delivery/event-webhook.options';
export { EventDeliveryWorker } from './event-delivery/event-delivery.worker';
export { TokenLifecycle } from './credentials/token-lifecycle';
export { MetricsModule, type MetricsModuleOptions } from './metrics/metrics.module';
export { PatMetrics } from './metrics/pat-metrics';

// Tokens module: generate, list, get, revoke (over HTTP, and from the host's code via TokensService).
export { TokensModule } from './tokens/tokens.module';
export { TokensService } from './tokens/tokens.service';
export { TOKENS_MODULE_OPTIONS } from './tokens/tokens.module-definition';
export type { TokensModuleOptions } from './tokens/tokens.options';

// Graph API module: list, query, explain, inspect and delete graphs as the caller's FalkorDB user.
export { GraphApiModule } from './graph-api/graph-api.module';
export { DEFAULT_GRAPH_API_ROUTE_PREFIX, GRAPH_API_MODULE_OPTIONS } from './graph-api/graph-api.module-definition';
export type { GraphApiModuleOptions } from './graph-api/graph-api.options';

// Errors: HttpExceptions carrying RFC 9457 bodies, and the filter that adds the problem media type and headers.
// (The error files hold only error classes, their codes and statuses, so all of them are public.)
export * from './common/domain-errors';
export * from './auth/auth-errors';
export * from './credentials/credential-errors';
export * from './falkordb/falkordb-errors';
export * from './graph-api/query-errors';
export { ProblemDetailsFilter } from './common/problem-details.filter';
export { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './common/problem-details';

// OpenAPI: completes a host's own document (security schemes, problem+json) for our routes.
export { applyPatOpenApi, type ApplyPatOpenApiOptions } from './openapi/apply-pat-openapi';

// What `forRoot()` / `forRootAsync()` accept (the extras `isGlobal` and, for routed modules, `routePrefix` included).
export type FalkorDbModuleSyncOptions = typeof FALKORDB_OPTIONS_TYPE;
export type FalkorDbModuleAsyncOptions = typeof FALKORDB_ASYNC_OPTIONS_TYPE;
export type AuthModuleSyncOptions = typeof AUTH_OPTIONS_TYPE;
export type AuthModuleAsyncOptions = typeof AUTH_ASYNC_OPTIONS_TYPE;
export type TokensModuleSyncOptions = typeof TOKENS_OPTIONS_TYPE;
export type TokensModuleAsyncOptions = typeof TOKENS_ASYNC_OPTIONS_TYPE;
export type GraphApiModuleSyncOptions = typeof GRAPH_API_OPTIONS_TYPE;
export type GraphApiModuleAsyncOptions = typeof GRAPH_API_ASYNC_OPTIONS_TYPE;

/** Implement one of these on a class for `forRootAsync({ useClass })` / `forRootAsync({ useExisting })`. */
export type FalkorDbModuleOptionsFactory = ConfigurableModuleOptionsFactory<FalkorDbModuleOptions, 'create'>;
export type AuthModuleOptionsFactory = ConfigurableModuleOptionsFactory<AuthModuleOptions, 'create'>;
export type TokensModuleOptionsFactory = ConfigurableModuleOptionsFactory<TokensModuleOptions, 'create'>;
export type GraphApiModuleOptionsFactory = ConfigurableModuleOptionsFactory<GraphApiModuleOptions, 'create'>;
