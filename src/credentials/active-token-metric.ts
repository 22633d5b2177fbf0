import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { PatMetrics } from '../metrics/pat-metrics';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';

/**
 * `falkordb_pat_active_tokens`, from the users' stored counters (one read of the User nodes, not of
 * the tokens: the same at a thousand tokens or a million). Expired tokens leave the count when the
 * purge retires them (every minute by default).
 */
@Injectable()
export class ActiveTokenMetric implements OnModuleInit {
  constructor(
    private readonly store: FalkorDbConnection,
    @Optional() private readonly metrics?: PatMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.readActiveTokensFrom(() => this.read());
  }

  private read(): Promise<number | undefined> {
    // Unknown while the store is down: the gauge is NaN rather than wrong.
    return this.store
      .readQuery(this.store.tokenGraph, 'MATCH (u:User) RETURN sum(u.active_tokens) AS n')
      .then((rows) => Number(rows[0]?.n ?? 0))
      .catch(() => undefined);
  }
}
