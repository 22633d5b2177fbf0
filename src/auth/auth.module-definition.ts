import { routedModule } from '../common/configurable-module';
import { AuthModuleOptions } from './auth.options';

/** Login and logout live under `api/auth` (the tokens API joins them there by default). */
export const DEFAULT_AUTH_ROUTE_PREFIX = 'api/auth';

export const {
  ConfigurableModuleClass: ConfigurableAuthModule,
  MODULE_OPTIONS_TOKEN: AUTH_MODULE_OPTIONS,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = routedModule<AuthModuleOptions>('FalkorDbAuth', { isGlobal: true, routePrefix: DEFAULT_AUTH_ROUTE_PREFIX });
