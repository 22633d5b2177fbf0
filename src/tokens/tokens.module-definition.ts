import { ConfigurableModuleBuilder } from '@nestjs/common';
import { TokensModuleOptions } from './tokens.options';

export const {
  ConfigurableModuleClass: ConfigurableTokensModule,
  MODULE_OPTIONS_TOKEN: TOKENS_MODULE_OPTIONS,
  OPTIONS_TYPE: TOKENS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TOKENS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TokensModuleOptions>({ moduleName: 'FalkorDbTokens' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
