import { configurableModule } from '../common/configurable-module';
import { CredentialsModuleOptions } from './credentials.options';

export const {
  ConfigurableModuleClass: ConfigurableCredentialsModule,
  MODULE_OPTIONS_TOKEN: CREDENTIALS_MODULE_OPTIONS,
} = configurableModule<CredentialsModuleOptions>('FalkorDbCredentials', { isGlobal: false });
