import { DynamicModule, Module } from '@nestjs/common';
import { CallerConnections } from './caller-connections';
import { GraphApiController } from './graph-api.controller';
import { ConfigurableGraphApiModule, GRAPH_API_OPTIONS_TYPE } from './graph-api.module-definition';
import { GraphApiService } from './graph-api.service';
import { TokenStoreGraph } from './token-store-graph';

/**
 * The Graph API: list, query, explain, inspect and delete graphs as the credential's own FalkorDB
 * user. Needs FalkorDbModule (connections and the user connection pool) and AuthModule (authentication
 * and the stored credentials), both global.
 */
@Module({
  controllers: [GraphApiController],
  providers: [GraphApiService, CallerConnections, TokenStoreGraph],
  exports: [GraphApiService],
})
export class GraphApiModule extends ConfigurableGraphApiModule {
  /** Every option has a default, so `forRoot()` needs none. */
  static override forRoot(options: typeof GRAPH_API_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }
}
