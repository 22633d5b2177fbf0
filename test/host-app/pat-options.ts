import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FalkorDB } from 'falkordb';
import type {
  AuthModuleOptions,
  AuthModuleOptionsFactory,
  FalkorDbModuleOptions,
  FalkorDbModuleOptionsFactory,
  TokensModuleOptions,
  TokensModuleOptionsFactory,
} from '../../src';
import { HOST_FALKORDB, HostFalkorDbModule } from './host-falkordb.module';
import { HostSettings } from './host-config';

/** How the host maps its own settings onto our modules' options (one place, used by every registration style). */
export function falkordbOptionsOf(settings: HostSettings, client: FalkorDB): FalkorDbModuleOptions {
  return {
    client,
    clientServer: { host: settings.falkordb.host, port: settings.falkordb.port },
    tokenGraph: settings.pat.tokenGraph,
  };
}

export function authOptionsOf(settings: HostSettings): AuthModuleOptions {
  const { jwtSecret, sessionSecret, encryptionKey, issuer, sessionCookie } = settings.pat;
  return { jwtSecret, sessionSecret, encryptionKey, issuer, sessionCookieName: sessionCookie };
}

export function tokensOptionsOf(settings: HostSettings): TokensModuleOptions {
  return { maxTtlSeconds: settings.pat.maxTokenLifetimeSeconds, allowNeverExpiring: false };
}

/** The whole settings object from the host's ConfigService. */
export function settingsFrom(config: ConfigService): HostSettings {
  return { falkordb: config.getOrThrow('falkordb'), pat: config.getOrThrow('pat') };
}

/** For `forRootAsync({ useClass })` and `forRootAsync({ useExisting })`. */
@Injectable()
export class HostFalkorDbOptions implements FalkorDbModuleOptionsFactory {
  constructor(
    private readonly config: ConfigService,
    @Inject(HOST_FALKORDB) private readonly client: FalkorDB,
  ) {}

  create(): FalkorDbModuleOptions {
    return falkordbOptionsOf(settingsFrom(this.config), this.client);
  }
}

@Injectable()
export class HostAuthOptions implements AuthModuleOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  create(): AuthModuleOptions {
    return authOptionsOf(settingsFrom(this.config));
  }
}

@Injectable()
export class HostTokensOptions implements TokensModuleOptionsFactory {
  constructor(private readonly config: ConfigService) {}

  // Async on purpose: a factory may return a promise.
  create(): Promise<TokensModuleOptions> {
    return Promise.resolve(tokensOptionsOf(settingsFrom(this.config)));
  }
}

/** The option factories as host providers, for `useExisting`. */
@Module({
  imports: [HostFalkorDbModule],
  providers: [HostFalkorDbOptions, HostAuthOptions, HostTokensOptions],
  exports: [HostFalkorDbOptions, HostAuthOptions, HostTokensOptions],
})
export class HostPatOptionsModule {}
