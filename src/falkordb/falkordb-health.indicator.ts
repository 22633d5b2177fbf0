import { Injectable } from '@nestjs/common';
import { FalkorDbConnection } from './falkordb-connection';

/** One indicator's result, in the shape `@nestjs/terminus` health checks collect. */
export type FalkorDbHealthResult<Key extends string = string> = Record<Key, { status: 'up' | 'down'; message?: string }>;

/**
 * Whether the service's own FalkorDB (the token store) answers PING in time. Returns terminus's
 * result shape (`{ falkordb: { status: 'up' } }`, `'down'` with a message otherwise), so a host
 * passes `() => indicator.isHealthy()` to `HealthCheckService.check([...])` without our code
 * depending on terminus. Provided and exported by FalkorDbModule.
 */
@Injectable()
export class FalkorDbHealthIndicator {
  constructor(private readonly store: FalkorDbConnection) {}

  async isHealthy<Key extends string = 'falkordb'>(key: Key = 'falkordb' as Key): Promise<FalkorDbHealthResult<Key>> {
    const up = await this.store.isReachable();
    const status = up ? { status: 'up' as const } : { status: 'down' as const, message: 'FalkorDB is not reachable' };
    return { [key]: status } as FalkorDbHealthResult<Key>;
  }
}
