import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { DEFAULT_AUTH_ROUTE_PREFIX } from '../../auth/auth.module-definition';
import { AuditController } from './audit.controller';

/**
 * The audit log's HTTP face, `GET <routePrefix>/audit`. It sits above AuthModule, whose guards it
 * uses and whose exported AuditService answers it; FalkorDbPatModule mounts it under the auth
 * routes. A host wiring the modules one by one adds `AuditApiModule.forRoot({ routePrefix })`.
 */
@Module({ controllers: [AuditController] })
export class AuditApiModule {
  static forRoot(extras: { routePrefix?: string } = {}): DynamicModule {
    const path = extras.routePrefix ?? DEFAULT_AUTH_ROUTE_PREFIX;
    return { module: AuditApiModule, imports: [RouterModule.register([{ path, module: AuditApiModule }])] };
  }
}
