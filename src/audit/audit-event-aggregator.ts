import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { NOBODY } from './audit-event';
import { AuditEventRepository } from './audit-event.repository';
import { AggregatedEvent, minuteOf, RepeatedEvent } from './repeated-event';
import { errorMessage } from '../common/error-message';

/** Pending events are written this often (and at shutdown). */
const FLUSH_INTERVAL_MS = 10_000;
/**
 * Distinct keys one instance records per type and minute; beyond them occurrences are counted in
 * one event with key `*` (someone trying many different credentials is one event a minute, not
 * one per credential).
 */
export const MAX_KEYS_PER_MINUTE = 100;

/**
 * Counts repeated events (failed authentications, uses from a forbidden address) in memory and
 * writes one event per type, key and minute with the count, every 10 seconds. The write merges on
 * that key, so each minute's occurrences end up in one event whatever instance saw them and
 * however many flushes they took. Nothing on the request path waits for the store.
 */
@Injectable()
export class AuditEventAggregator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditLog');
  private pending = new Map<string, AggregatedEvent>();
  /** Keys seen per type and minute (`type|minute` -> keys), for MAX_KEYS_PER_MINUTE. */
  private keysSeen = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: AuditEventRepository,
    private readonly store: FalkorDbConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Counts one occurrence; written with the next flush. */
  record(event: RepeatedEvent): void {
    const minute = minuteOf(event.at);
    const bucket = `${event.type}|${minute}`;
    const seen = this.keysSeen.get(bucket) ?? new Set<string>();
    this.keysSeen.set(bucket, seen);
    const beyondLimit = !seen.has(event.key) && seen.size >= MAX_KEYS_PER_MINUTE;
    const counted: RepeatedEvent = beyondLimit
      ? { ...event, key: '*', actor: NOBODY, subject: NOBODY, server: null, detail: { reason: 'many_distinct', distinct_limit: MAX_KEYS_PER_MINUTE } }
      : event;
    if (!beyondLimit) seen.add(event.key);
    const aggregateKey = `${bucket}|${counted.key}`;
    const entry = this.pending.get(aggregateKey);
    if (entry) {
      entry.count += 1;
      entry.lastAt = Math.max(entry.lastAt, event.at);
    } else {
      this.pending.set(aggregateKey, { aggregateKey, event: counted, count: 1, lastAt: event.at });
    }
  }

  /** Writes every pending event now (tests call it instead of waiting); returns how many were written. */
  flush(): Promise<number> {
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async writePending(): Promise<number> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    // Only the current minute's keys still matter for the limit.
    const current = minuteOf(Date.now());
    for (const bucket of this.keysSeen.keys()) if (Number(bucket.slice(bucket.indexOf('|') + 1)) < current) this.keysSeen.delete(bucket);
    if (batch.length === 0) return 0;
    let written = 0;
    try {
      const server = this.store.server;
      for (const aggregated of batch) {
        await this.events.mergeAggregated(aggregated, server);
        written += 1;
      }
    } catch (error) {
      // The store is down: these counts are lost (memory stays bounded). Authentication fails closed meanwhile.
      this.logger.warn(`Could not write ${batch.length - written} aggregated audit events: ${errorMessage(error)}`);
    }
    return written;
  }
}
