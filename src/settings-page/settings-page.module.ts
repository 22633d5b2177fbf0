import { DynamicModule, FactoryProvider, Logger, Module, ModuleMetadata } from '@nestjs/common';
import { DEFAULT_EXPIRY_NOTICE_DAYS } from '../auth/auth.options';
import { tokenPolicyOf, TokensModuleOptions } from '../tokens/tokens.options';
import { SettingsPageAssets } from './settings-page-assets';
import { rootRedirectController, SETTINGS_PAGE_POLICY, SettingsPagePolicy, settingsPageController } from './settings-page.controller';
import { SettingsPageOptions } from './settings-page.options';

export interface SettingsPageModuleOptions extends Required<SettingsPageOptions>, Pick<ModuleMetadata, 'imports'> {
  /** Route prefix of login, logout and the tokens API, which the page calls. */
  authRoutePrefix: string;
  inject?: FactoryProvider['inject'];
  /** The options in force the page follows. */
  useFactory: (...args: never[]) => SettingsPageSources | Promise<SettingsPageSources>;
}

/** What the page follows from the other modules' options. */
export interface SettingsPageSources {
  /** TokensModule's: the page offers only the expiries they allow. */
  tokens: TokensModuleOptions;
  /** AuthModule's expiryNoticeDays: the page marks tokens within the first notice. */
  expiryNoticeDays?: readonly number[];
}

/**
 * The days before expiry from which the page marks a token: the first notice a token gets, i.e. the
 * largest threshold (default 7); 0 when notices are turned off (`[]`), so nothing is marked.
 */
export function firstExpiryNoticeDays(expiryNoticeDays: readonly number[] | undefined): number {
  const thresholds = expiryNoticeDays ?? DEFAULT_EXPIRY_NOTICE_DAYS;
  return thresholds.length ? Math.max(...thresholds) : 0;
}

/**
 * The "Settings › Personal Access Tokens" web page (built by `npm run build` from web/settings-page),
 * served from memory by the service itself. Needs AuthModule (global) for the session cookie's
 * name and the default FalkorDB server. Mounted through `FalkorDbPatModule`'s `settingsPage` option.
 */
@Module({})
export class SettingsPageModule {
  static forRootAsync(options: SettingsPageModuleOptions): DynamicModule {
    const controllers = [settingsPageController(options.path, options.authRoutePrefix)];
    if (options.redirectRoot) controllers.push(rootRedirectController(options.path));
    return {
      module: SettingsPageModule,
      imports: options.imports ?? [],
      controllers,
      providers: [
        {
          provide: SETTINGS_PAGE_POLICY,
          inject: options.inject ?? [],
          useFactory: async (...args: never[]): Promise<SettingsPagePolicy> => {
            const sources = await options.useFactory(...args);
            const { allowNeverExpiring, maxTtlSeconds } = tokenPolicyOf(sources.tokens);
            return { allowNeverExpiring, maxTtlSeconds, expiryNoticeDays: firstExpiryNoticeDays(sources.expiryNoticeDays) };
          },
        },
        {
          provide: SettingsPageAssets,
          useFactory: () => {
            const assets = new SettingsPageAssets();
            if (!assets.built) {
              new Logger('SettingsPage').warn(`The settings page is not built (nothing in ${assets.dir}): run \`npm run build\`; /${options.path} answers 404 until then`);
            }
            return assets;
          },
        },
      ],
    };
  }
}
