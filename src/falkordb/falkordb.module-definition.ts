import { configurableModule } from '../common/configurable-module';
import { FalkorDbModuleOptions } from './falkordb.options';

export const {
  ConfigurableModuleClass: ConfigurableFalkorDbModule,
  MODULE_OPTIONS_TOKEN: FALKORDB_MODULE_OPTIONS,
  OPTIONS_TYPE: FALKORDB_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FALKORDB_ASYNC_OPTIONS_TYPE,
} = configurableModule<FalkorDbModuleOptions>('FalkorDb', { isGlobal: true });
