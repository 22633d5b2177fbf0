import { DynamicModule, Module } from '@nestjs/common';
import { mountRoutes } from '../common/mount-routes';
import { DEFAULT_AUTH_ROUTE_PREFIX } from '../auth/auth.module';
import { TokensController } from './tokens.controller';
import { ConfigurableTokensModule, TOKENS_ASYNC_OPTIONS_TYPE, TOKENS_OPTIONS_TYPE } from './tokens.module-definition';
import { TokensService } from './tokens.service';

export interface TokensRouteOptions {
  /** The tokens API is mounted at `<routePrefix>/tokens`. Default `api/auth`. */
  routePrefix?: string;
}

/** The token management API: generate, list, get, revoke. Needs AuthModule and GraphModule. */
@Module({
  controllers: [TokensController],
  providers: [TokensService],
  exports: [TokensService],
})
export class TokensModule extends ConfigurableTokensModule {
  static override forRoot(options: typeof TOKENS_OPTIONS_TYPE & TokensRouteOptions = {}): DynamicModule {
    return mountRoutes(super.forRoot(options), TokensModule, options.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX);
  }

  static override forRootAsync(options: typeof TOKENS_ASYNC_OPTIONS_TYPE & TokensRouteOptions): DynamicModule {
    return mountRoutes(super.forRootAsync(options), TokensModule, options.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX);
  }
}

