import { configurableModule } from '../common/configurable-module';
import { GraphModuleOptions } from './graph.options';

export const {
  ConfigurableModuleClass: ConfigurableGraphModule,
  MODULE_OPTIONS_TOKEN: GRAPH_MODULE_OPTIONS,
  OPTIONS_TYPE: GRAPH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: GRAPH_ASYNC_OPTIONS_TYPE,
} = configurableModule<GraphModuleOptions>('FalkorDbGraph', { isGlobal: true });
