import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { DEFAULT_AUTH_ROUTE_PREFIX } from './auth/auth.module-definition';
import { AuthModuleOptions } from './auth/auth.options';
import { FalkorDbModule } from './falkordb/falkordb.module';
import { FalkorDbModuleOptions } from './falkordb/falkordb.options';
import { AuditApiModule } from './audit/http/audit-api.module';
import { GraphApiModule } from './graph-api/graph-api.module';
import { DEFAULT_GRAPH_API_ROUTE_PREFIX } from './graph-api/graph-api.module-definition';
import { GraphApiModuleOptions } from './graph-api/graph-api.options';
import { MetricsModule, MetricsModuleOptions } from './metrics/metrics.module';
import { SettingsPageModule } from './settings-page/settings-page.module';
import { resolveSettingsPageOptions, SettingsPageOptions } from './settings-page/settings-page.options';
import { TokensModule } from './tokens/tokens.module';
import { TokensModuleOptions } from './tokens/tokens.options';

/** Every module's options in one object. */
export interface FalkorDbPatOptions {
  falkordb: FalkorDbModuleOptions;
  auth: AuthModuleOptions;
  tokens?: TokensModuleOptions;
  graphApi?: GraphApiModuleOptions;
}

/** Decided before any provider exists (they shape routes and the module graph). */
export interface FalkorDbPatStaticOptions {
  /** Login, logout and the tokens API. Default `api/auth`. */
  routePrefix?: string;
  /** The Graph API. Default `api/graph`. */
  graphRoutePrefix?: string;
  /** Mount the Graph API. Default true. */
  graphApi?: boolean;
  /**
   * Serve the "Settings › Personal Access Tokens" web page (sign in, generate, rotate, revoke),
   * at `settings/tokens` for `true`, or where `{ path }` says. Default false (off).
   */
  settingsPage?: boolean | SettingsPageOptions;
  /**
   * Count the service's Prometheus metrics (`falkordb_pat_*`) into prom-client's default registry
   * (`true`) or the one given, for the host's own `/metrics`. Default false (nothing counted).
   */
  metrics?: boolean | MetricsModuleOptions;
}

export interface FalkorDbPatAsyncOptions extends FalkorDbPatStaticOptions, Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: never[]) => FalkorDbPatOptions | Promise<FalkorDbPatOptions>;
}

const FALKORDB_PAT_OPTIONS = Symbol('FALKORDB_PAT_OPTIONS');

/** Holds the host's factory result, so each feature module reads its own part of it. */
@Module({})
class FalkorDbPatOptionsModule {}

/**
 * The common case in one import: FalkorDbModule, AuthModule, TokensModule, AuditApiModule and (unless
 * `graphApi: false`) GraphApiModule, configured from one options object. TokensService,
 * guards, the credential store and FalkorDbHealthIndicator are then injectable anywhere in the
 * host. The separate modules stay available for hosts that wire them one by one.
 */
@Module({})
export class FalkorDbPatModule {
  static forRoot(options: FalkorDbPatOptions & { routes?: FalkorDbPatStaticOptions }): DynamicModule {
    const { routes, ...moduleOptions } = options;
    return FalkorDbPatModule.forRootAsync({ ...routes, useFactory: () => moduleOptions });
  }

  static forRootAsync(options: FalkorDbPatAsyncOptions): DynamicModule {
    const holder: DynamicModule = {
      module: FalkorDbPatOptionsModule,
      imports: options.imports ?? [],
      providers: [{ provide: FALKORDB_PAT_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory as FactoryProvider['useFactory'] }],
      exports: [FALKORDB_PAT_OPTIONS],
    };
    const part = <T>(pick: (all: FalkorDbPatOptions) => T) => ({
      imports: [holder],
      inject: [FALKORDB_PAT_OPTIONS],
      useFactory: (all: FalkorDbPatOptions) => pick(all),
    });
    const routePrefix = options.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX;
    const graphApi =
      options.graphApi === false
        ? []
        : [GraphApiModule.forRootAsync({ ...part((all) => all.graphApi ?? {}), routePrefix: options.graphRoutePrefix ?? DEFAULT_GRAPH_API_ROUTE_PREFIX })];
    const pageOptions = resolveSettingsPageOptions(options.settingsPage);
    const settingsPage = pageOptions
      ? [SettingsPageModule.forRootAsync({ ...part((all) => ({ tokens: all.tokens ?? {}, expiryNoticeDays: all.auth.expiryNoticeDays })), ...pageOptions, authRoutePrefix: routePrefix })]
      : [];
    return {
      module: FalkorDbPatModule,
      imports: [
        FalkorDbModule.forRootAsync(part((all) => all.falkordb)),
        AuthModule.forRootAsync({ ...part((all) => all.auth), routePrefix }),
        TokensModule.forRootAsync({ ...part((all) => all.tokens ?? {}), routePrefix }),
        AuditApiModule.forRoot({ routePrefix }),
        ...graphApi,
        ...settingsPage,
        ...(options.metrics ? [MetricsModule.forRoot(options.metrics === true ? {} : options.metrics)] : []),
      ],
      exports: [TokensModule],
    };
  }
}
