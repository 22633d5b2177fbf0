import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { CREDENTIAL_ENCRYPTION_KEY, CredentialStore } from '../credentials/credential-store';
import { CREDENTIAL_PROVIDERS } from '../credentials/credentials.providers';
import { AuthController } from './auth.controller';
import { AUTH_MODULE_OPTIONS, ConfigurableAuthModule } from './auth.module-definition';
import { AuthModuleOptions } from './auth.options';
import { AdminRoleRecheck } from './admin-role-recheck';
import { AttemptLimiter } from './attempt-limiter';
import { AuthSettings } from './auth-settings';
import { FalkorDbLoginService } from './falkordb-login.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JwtIssuer } from './jwt-issuer';
import { JwtStrategy } from './jwt.strategy';
import { SessionService } from './session.service';

/**
 * Who is calling: FalkorDB logins, sessions, the JwtStrategy (PAT or session, revocation checked
 * in FalkorDB), guards, and the credential store (src/credentials, exported as its facade
 * CredentialStore). Needs GraphModule (global) for FalkorDB access.
 */
@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController],
  providers: [
    ...CREDENTIAL_PROVIDERS,
    { provide: CREDENTIAL_ENCRYPTION_KEY, inject: [AUTH_MODULE_OPTIONS], useFactory: (options: AuthModuleOptions) => options.encryptionKey },
    AuthSettings,
    AttemptLimiter,
    FalkorDbLoginService,
    JwtIssuer,
    SessionService,
    AdminRoleRecheck,
    JwtStrategy,
    JwtAuthGuard,
    RolesGuard,
  ],
  exports: [CredentialStore, AuthSettings, AttemptLimiter, FalkorDbLoginService, JwtIssuer, SessionService, JwtAuthGuard, RolesGuard],
})
export class AuthModule extends ConfigurableAuthModule {}
