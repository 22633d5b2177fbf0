import { Module } from '@nestjs/common';
import { FalkorDbConnection } from './falkordb-connection';
import { FalkorDbHealthIndicator } from './falkordb-health.indicator';
import { ConfigurableFalkorDbModule, FALKORDB_MODULE_OPTIONS } from './falkordb.module-definition';
import { LoginConnections } from './user-connections/login-connections';
import { StoreChangeFeed } from './store-change-feed';
import { UserConnectionFactory } from './user-connections/user-connection.factory';
import { UserConnectionPool } from './user-connections/user-connection-pool';
import { StoreMetrics } from './store-metrics';

/**
 * FalkorDB connection layer: the service's own store connection (external URL, host-provided
 * client, or embedded server) and connections opened as individual ACL users, pooled per credential
 * (the pool is here so that revoking a credential anywhere can close its connection), and the feed
 * that tells when the store graph changed (StoreChangeFeed).
 */
@Module({
  providers: [FalkorDbConnection, StoreChangeFeed, StoreMetrics, FalkorDbHealthIndicator, UserConnectionFactory, UserConnectionPool, LoginConnections],
  exports: [FALKORDB_MODULE_OPTIONS, FalkorDbConnection, StoreChangeFeed, FalkorDbHealthIndicator, UserConnectionFactory, UserConnectionPool, LoginConnections],
})
export class FalkorDbModule extends ConfigurableFalkorDbModule {}
