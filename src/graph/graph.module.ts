import { Module } from '@nestjs/common';
import { FalkorDbConnection } from './falkordb-connection';
import { ConfigurableGraphModule } from './graph.module-definition';
import { UserConnectionFactory } from './user-connection.factory';

/**
 * FalkorDB connection layer: the service's own store connection (external URL, host-provided
 * client, or embedded server) and connections opened as individual ACL users.
 */
@Module({
  providers: [FalkorDbConnection, UserConnectionFactory],
  exports: [FalkorDbConnection, UserConnectionFactory],
})
export class GraphModule extends ConfigurableGraphModule {}
