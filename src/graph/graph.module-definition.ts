import { ConfigurableModuleBuilder } from '@nestjs/common';
import { GraphModuleOptions } from './graph.options';

export const {
  ConfigurableModuleClass: ConfigurableGraphModule,
  MODULE_OPTIONS_TOKEN: GRAPH_MODULE_OPTIONS,
  OPTIONS_TYPE: GRAPH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: GRAPH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<GraphModuleOptions>({ moduleName: 'FalkorDbGraph' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
