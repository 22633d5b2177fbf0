import { DynamicModule, Module } from '@nestjs/common';
import { mountRoutes } from '../common/mount-routes';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AuthController } from './auth.controller';
import { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE, ConfigurableAuthModule } from './auth.module-definition';
import { AdminRoleRecheck } from './admin-role-recheck';
import { AttemptLimiter } from './attempt-limiter';
import { AuthSettings } from './auth-settings';
import { FalkorDbLoginService } from './falkordb-login.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtIssuer } from './jwt-issuer';
import { JwtStrategy } from './jwt.strategy';
import { SessionService } from './session.service';
import { CredentialStoreSchema } from './store/credential-store.schema';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';
import { StoredPasswords } from './stored-passwords';

export const DEFAULT_AUTH_ROUTE_PREFIX = 'api/auth';

/** Static (not async) because routes are mounted before any provider exists. */
export interface AuthRouteOptions {
  /** Where login/logout (and, by default, the tokens API) are mounted. Default `api/auth`. */
  routePrefix?: string;
}

/**
 * Who is calling: FalkorDB logins, sessions, the JwtStrategy (PAT or session, revocation checked
 * in FalkorDB), guards, and the credential store. Needs GraphModule (global) for FalkorDB access.
 */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    AuthSettings,
    AttemptLimiter,
    CredentialStoreSchema,
    TokenRepository,
    SessionRepository,
    FalkorDbLoginService,
    JwtIssuer,
    SessionService,
    StoredPasswords,
    AdminRoleRecheck,
    JwtStrategy,
    JwtAuthGuard,
    RolesGuard,
  ],
  exports: [AuthSettings, AttemptLimiter, TokenRepository, SessionRepository, FalkorDbLoginService, JwtIssuer, SessionService, StoredPasswords, JwtAuthGuard, RolesGuard],
})
export class AuthModule extends ConfigurableAuthModule {
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE & AuthRouteOptions): DynamicModule {
    return mountRoutes(super.forRoot(options), AuthModule, options.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX);
  }

  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE & AuthRouteOptions): DynamicModule {
    return mountRoutes(super.forRootAsync(options), AuthModule, options.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX);
  }
}

