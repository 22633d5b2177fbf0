import { configurableModule } from '../common/configurable-module';
import { CredentialStoreOptions } from './credential-store.options';

export const {
  ConfigurableModuleClass: ConfigurableCredentialsModule,
  MODULE_OPTIONS_TOKEN: CREDENTIAL_STORE_OPTIONS,
} = configurableModule<CredentialStoreOptions>('FalkorDbCredentials', { isGlobal: false });
