/**
 * Public entry point of the package (`import { AuthModule, ... } from 'falkordb-pat'`): the Nest
 * modules, guards, decorators, options types, injection tokens and errors a host application needs
 * to embed FalkorDB Personal Access Tokens. Everything else under src/ is internal.
 */
import type { ConfigurableModuleOptionsFactory } from '@nestjs/common';
import type { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE } from './auth/auth.module-definition';
import type { AuthModuleOptions } from './auth/auth.options';
import type { AuthRouteOptions } from './auth/auth.module';
import type { GRAPH_ASYNC_OPTIONS_TYPE, GRAPH_OPTIONS_TYPE } from './graph/graph.module-definition';
import type { GraphModuleOptions } from './graph/graph.options';
import type { GRAPH_API_ASYNC_OPTIONS_TYPE, GRAPH_API_OPTIONS_TYPE } from './graph-api/graph-api.module-definition';
import type { GraphApiRouteOptions } from './graph-api/graph-api.module';
import type { GraphApiModuleOptions } from './graph-api/graph-api.options';
import type { TOKENS_ASYNC_OPTIONS_TYPE, TOKENS_OPTIONS_TYPE } from './tokens/tokens.module-definition';
import type { TokensModuleOptions } from './tokens/tokens.options';
import type { TokensRouteOptions } from './tokens/tokens.module';

// Graph module: the FalkorDB connection (URL, the host's own client, or an embedded server).
export { GraphModule } from './graph/graph.module';
export { GRAPH_MODULE_OPTIONS } from './graph/graph.module-definition';
export { FalkorDbConnection } from './graph/falkordb-connection';
export {
  DEFAULT_TOKEN_GRAPH,
  validateGraphOptions,
  type EmbeddedFalkorDbOptions,
  type GraphModuleOptions,
} from './graph/graph.options';
export type { ServerAddress } from './graph/server-address';

// Auth module: logins, sessions, the JWT strategy, guards and decorators.
export { AuthModule, DEFAULT_AUTH_ROUTE_PREFIX, type AuthRouteOptions } from './auth/auth.module';
export { AUTH_MODULE_OPTIONS } from './auth/auth.module-definition';
export { validateAuthOptions, type AuthModuleOptions } from './auth/auth.options';
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
export type { CredentialKind, Principal } from './auth/principal';
export { ROLES, isRole, type Role } from './auth/role';

// Tokens module: generate, list, get, revoke.
export { TokensModule, type TokensRouteOptions } from './tokens/tokens.module';
export { TOKENS_MODULE_OPTIONS } from './tokens/tokens.module-definition';
export type { TokensModuleOptions } from './tokens/tokens.options';

// Graph API module: list, query, explain, inspect and delete graphs as the caller's FalkorDB user.
export { DEFAULT_GRAPH_API_ROUTE_PREFIX, GraphApiModule, type GraphApiRouteOptions } from './graph-api/graph-api.module';
export { GRAPH_API_MODULE_OPTIONS } from './graph-api/graph-api.module-definition';
export type { GraphApiModuleOptions } from './graph-api/graph-api.options';

// Errors: domain errors thrown by services and guards, and the filter that renders them as RFC 9457.
// (domain-errors.ts holds only the error classes and their codes, so all of it is public.)
export * from './common/domain-errors';
export { ProblemDetailsFilter } from './common/problem-details.filter';
export { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './common/problem-details';

// What `forRoot()` / `forRootAsync()` accept (the builder's extras `isGlobal` and our static `routePrefix` included).
export type GraphModuleSyncOptions = typeof GRAPH_OPTIONS_TYPE;
export type GraphModuleAsyncOptions = typeof GRAPH_ASYNC_OPTIONS_TYPE;
export type AuthModuleSyncOptions = typeof AUTH_OPTIONS_TYPE & AuthRouteOptions;
export type AuthModuleAsyncOptions = typeof AUTH_ASYNC_OPTIONS_TYPE & AuthRouteOptions;
export type TokensModuleSyncOptions = typeof TOKENS_OPTIONS_TYPE & TokensRouteOptions;
export type TokensModuleAsyncOptions = typeof TOKENS_ASYNC_OPTIONS_TYPE & TokensRouteOptions;
export type GraphApiModuleSyncOptions = typeof GRAPH_API_OPTIONS_TYPE & GraphApiRouteOptions;
export type GraphApiModuleAsyncOptions = typeof GRAPH_API_ASYNC_OPTIONS_TYPE & GraphApiRouteOptions;

/** Implement one of these on a class for `forRootAsync({ useClass })` / `forRootAsync({ useExisting })`. */
export type GraphModuleOptionsFactory = ConfigurableModuleOptionsFactory<GraphModuleOptions, 'create'>;
export type AuthModuleOptionsFactory = ConfigurableModuleOptionsFactory<AuthModuleOptions, 'create'>;
export type TokensModuleOptionsFactory = ConfigurableModuleOptionsFactory<TokensModuleOptions, 'create'>;
export type GraphApiModuleOptionsFactory = ConfigurableModuleOptionsFactory<GraphApiModuleOptions, 'create'>;
