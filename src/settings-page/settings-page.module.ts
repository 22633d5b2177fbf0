import { DynamicModule, FactoryProvider, Logger, Module, ModuleMetadata } from '@nestjs/common';
import { tokenPolicyOf, TokensModuleOptions } from '../tokens/tokens.options';
import { SettingsPageAssets } from './settings-page-assets';
import { rootRedirectController, SETTINGS_PAGE_POLICY, SettingsPagePolicy, settingsPageController } from './settings-page.controller';
import { SettingsPageOptions } from './settings-page.options';

export interface SettingsPageModuleOptions extends Required<SettingsPageOptions>, Pick<ModuleMetadata, 'imports'> {
  /** Route prefix of login, logout and the tokens API, which the page calls. */
  authRoutePrefix: string;
  inject?: FactoryProvider['inject'];
  /** The TokensModule options in force (the page offers only the expiries they allow). */
  useFactory: (...args: never[]) => TokensModuleOptions | Promise<TokensModuleOptions>;
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
            const { allowNeverExpiring, maxTtlSeconds } = tokenPolicyOf(await options.useFactory(...args));
            return { allowNeverExpiring, maxTtlSeconds };
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
