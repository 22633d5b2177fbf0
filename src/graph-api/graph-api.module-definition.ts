import { ConfigurableModuleBuilder } from '@nestjs/common';
import { GraphApiModuleOptions } from './graph-api.options';

export const {
  ConfigurableModuleClass: ConfigurableGraphApiModule,
  MODULE_OPTIONS_TOKEN: GRAPH_API_MODULE_OPTIONS,
  OPTIONS_TYPE: GRAPH_API_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: GRAPH_API_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<GraphApiModuleOptions>({ moduleName: 'FalkorDbGraphApi' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
