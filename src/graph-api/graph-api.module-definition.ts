import { routedModule } from '../common/configurable-module';
import { GraphApiModuleOptions } from './graph-api.options';

export const DEFAULT_GRAPH_API_ROUTE_PREFIX = 'api/graph';

export const {
  ConfigurableModuleClass: ConfigurableGraphApiModule,
  MODULE_OPTIONS_TOKEN: GRAPH_API_MODULE_OPTIONS,
  OPTIONS_TYPE: GRAPH_API_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: GRAPH_API_ASYNC_OPTIONS_TYPE,
} = routedModule<GraphApiModuleOptions>('FalkorDbGraphApi', { isGlobal: false, routePrefix: DEFAULT_GRAPH_API_ROUTE_PREFIX });
