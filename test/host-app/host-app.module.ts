import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type { FalkorDB } from 'falkordb';
import { AuthModule, GraphApiModule, FalkorDbModule, TokensModule } from '../../src';
import { AdminReportController } from './admin-report.controller';
import { HOST_FALKORDB, HostFalkorDbModule } from './host-falkordb.module';
import { HOST_GRAPH_PREFIX, HOST_PAT_PREFIX, HostSettings } from './host-config';
import {
  authOptionsOf,
  falkordbOptionsOf,
  HostAuthOptions,
  HostFalkorDbOptions,
  HostPatOptionsModule,
  HostTokensOptions,
  settingsFrom,
  tokensOptionsOf,
} from './pat-options';

export const REGISTRATION_STYLES = ['forRoot', 'forRootAsync useFactory', 'forRootAsync useClass', 'forRootAsync useExisting'] as const;
export type RegistrationStyle = (typeof REGISTRATION_STYLES)[number];

/** Our modules, registered the way `style` says. */
function patModules(style: RegistrationStyle, settings: HostSettings, client?: FalkorDB): DynamicModule[] {
  const routes = { routePrefix: HOST_PAT_PREFIX };
  switch (style) {
    case 'forRoot':
      if (!client) throw new Error('forRoot needs the host client connected up front');
      return [
        FalkorDbModule.forRoot(falkordbOptionsOf(settings, client)),
        AuthModule.forRoot({ ...authOptionsOf(settings), ...routes }),
        TokensModule.forRoot({ ...tokensOptionsOf(settings), ...routes }),
      ];
    case 'forRootAsync useFactory':
      return [
        FalkorDbModule.forRootAsync({
          imports: [HostFalkorDbModule],
          inject: [ConfigService, HOST_FALKORDB],
          useFactory: (config: ConfigService, host: FalkorDB) => falkordbOptionsOf(settingsFrom(config), host),
        }),
        AuthModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => authOptionsOf(settingsFrom(config)),
          ...routes,
        }),
        TokensModule.forRootAsync({
          inject: [ConfigService],
          // A factory may be async: it may return a promise.
          useFactory: (config: ConfigService) => Promise.resolve(tokensOptionsOf(settingsFrom(config))),
          ...routes,
        }),
      ];
    case 'forRootAsync useClass':
      return [
        FalkorDbModule.forRootAsync({ imports: [HostFalkorDbModule], useClass: HostFalkorDbOptions }),
        AuthModule.forRootAsync({ useClass: HostAuthOptions, ...routes }),
        TokensModule.forRootAsync({ useClass: HostTokensOptions, ...routes }),
      ];
    case 'forRootAsync useExisting':
      return [
        FalkorDbModule.forRootAsync({ imports: [HostPatOptionsModule], useExisting: HostFalkorDbOptions }),
        AuthModule.forRootAsync({ imports: [HostPatOptionsModule], useExisting: HostAuthOptions, ...routes }),
        TokensModule.forRootAsync({ imports: [HostPatOptionsModule], useExisting: HostTokensOptions, ...routes }),
      ];
  }
}

/**
 * A host application (not our AppModule): its own config module and FalkorDB client, our modules
 * under its own prefixes, and its own controller behind our guards. Everything of ours comes from
 * the package entry point (src/index.ts).
 */
@Module({})
export class HostAppModule {
  static register(style: RegistrationStyle, settings: HostSettings, client?: FalkorDB): DynamicModule {
    return {
      module: HostAppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => settings] }),
        // With forRoot the host connected its client before building the module; otherwise a provider connects it.
        ...(style === 'forRoot' ? [] : [HostFalkorDbModule]),
        ...patModules(style, settings, client),
        GraphApiModule.forRoot({ routePrefix: HOST_GRAPH_PREFIX }),
      ],
      controllers: [AdminReportController],
    };
  }
}
