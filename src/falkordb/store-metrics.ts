import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { PatMetrics } from '../metrics/pat-metrics';
import { FalkorDbConnection } from './falkordb-connection';

/** Several Prometheus servers scraping at the same moment share one PING. */
const FRESH_FOR_MS = 1000;

/** `falkordb_pat_store_up` (a PING at scrape time, at most once a second) and `falkordb_pat_failovers_total` (each primary change followed). */
@Injectable()
export class StoreMetrics implements OnModuleInit, OnModuleDestroy {
  private stopListening?: () => void;
  private last?: { at: number; up: Promise<number> };

  constructor(
    private readonly store: FalkorDbConnection,
    @Optional() private readonly metrics?: PatMetrics,
  ) {}

  onModuleInit(): void {
    const metrics = this.metrics;
    if (!metrics) return;
    metrics.readStoreUpFrom(() => this.up());
    this.stopListening = this.store.onPrimaryChange(() => metrics.failover());
  }

  private up(): Promise<number> {
    const now = Date.now();
    if (!this.last || now - this.last.at >= FRESH_FOR_MS) this.last = { at: now, up: this.store.isReachable().then((reachable) => (reachable ? 1 : 0)) };
    return this.last.up;
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }
}
