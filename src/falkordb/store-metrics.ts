import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { PatMetrics } from '../metrics/pat-metrics';
import { FalkorDbConnection } from './falkordb-connection';

/** `falkordb_pat_store_up` (a PING at scrape time, at most once a second) and `falkordb_pat_failovers_total` (each primary change followed). */
@Injectable()
export class StoreMetrics implements OnModuleInit, OnModuleDestroy {
  private stopListening?: () => void;

  constructor(
    private readonly store: FalkorDbConnection,
    @Optional() private readonly metrics?: PatMetrics,
  ) {}

  onModuleInit(): void {
    const metrics = this.metrics;
    if (!metrics) return;
    metrics.readStoreUpFrom(async () => ((await this.store.isReachable()) ? 1 : 0));
    this.stopListening = this.store.onPrimaryChange(() => metrics.failover());
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }
}
