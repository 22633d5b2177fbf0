import { DEFAULT_AUTH_ROUTE_PREFIX } from '../auth/auth.module-definition';
import { routedModule } from '../common/configurable-module';
import { TokensModuleOptions } from './tokens.options';

export const {
  ConfigurableModuleClass: ConfigurableTokensModule,
  MODULE_OPTIONS_TOKEN: TOKENS_MODULE_OPTIONS,
  OPTIONS_TYPE: TOKENS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TOKENS_ASYNC_OPTIONS_TYPE,
} = routedModule<TokensModuleOptions>('FalkorDbTokens', { isGlobal: false, routePrefix: DEFAULT_AUTH_ROUTE_PREFIX });
