import { DynamicModule, Module } from '@nestjs/common';
import { mountRoutes } from '../common/mount-routes';
import { CallerConnections } from './caller-connections';
import { GraphApiController } from './graph-api.controller';
import { ConfigurableGraphApiModule, GRAPH_API_ASYNC_OPTIONS_TYPE, GRAPH_API_OPTIONS_TYPE } from './graph-api.module-definition';
import { GraphApiService } from './graph-api.service';
import { TokenStoreGraph } from './token-store-graph';

export const DEFAULT_GRAPH_API_ROUTE_PREFIX = 'api/graph';

/** Static (not async) because routes are mounted before any provider exists. */
export interface GraphApiRouteOptions {
  /** Where the Graph API is mounted. Default `api/graph`. */
  routePrefix?: string;
}

/**
 * The Graph API: list, query, explain, inspect and delete graphs as the credential's own FalkorDB
 * user. Needs GraphModule (connections and the user connection pool) and AuthModule (authentication
 * and the stored credentials), both global.
 */
@Module({
  controllers: [GraphApiController],
  providers: [GraphApiService, CallerConnections, TokenStoreGraph],
  exports: [GraphApiService],
})
export class GraphApiModule extends ConfigurableGraphApiModule {
  static override forRoot(options: typeof GRAPH_API_OPTIONS_TYPE & GraphApiRouteOptions = {}): DynamicModule {
    return mountRoutes(super.forRoot(options), GraphApiModule, options.routePrefix ?? DEFAULT_GRAPH_API_ROUTE_PREFIX);
  }

  static override forRootAsync(options: typeof GRAPH_API_ASYNC_OPTIONS_TYPE & GraphApiRouteOptions): DynamicModule {
    return mountRoutes(super.forRootAsync(options), GraphApiModule, options.routePrefix ?? DEFAULT_GRAPH_API_ROUTE_PREFIX);
  }
}
