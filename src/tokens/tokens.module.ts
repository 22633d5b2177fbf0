import { DynamicModule, Module } from '@nestjs/common';
import { TokensController } from './tokens.controller';
import { ConfigurableTokensModule, TOKENS_OPTIONS_TYPE } from './tokens.module-definition';
import { TokensService } from './tokens.service';

/**
 * The token management API: generate, list, get, rotate, revoke. Uses what the global AuthModule
 * exports (guards, CredentialReader/Writer, AuditService) and FalkorDbModule.
 */
@Module({
  controllers: [TokensController],
  providers: [TokensService],
  exports: [TokensService],
})
export class TokensModule extends ConfigurableTokensModule {
  /** Every option has a default, so `forRoot()` needs none. */
  static override forRoot(options: typeof TOKENS_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
