import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { NEVER } from '../../falkordb/never';
import { AUDIT_EVENT_LABEL, AuditEvent, AuditEventType } from '../audit-event';
import { EVENT_FIELDS, toEvent } from '../audit-event-rows';

/** An event this instance claimed for delivery, and which attempt this is (1 = the first). */
export interface ClaimedEvent {
  event: AuditEvent;
  attempt: number;
  /** Proves the claim is still this instance's when the outcome is written. */
  claim: string;
}

/**
 * The delivery outbox: audit events written with a `delivery_due` time (DeliveredEventTypes), in
 * the same write as the change they record. An instance claims due events by pushing their due
 * time past a lease in one write (writes to a graph run one at a time, so two instances never
 * claim the same event); an instance that dies mid-delivery leaves the event to be claimed again
 * when the lease ends (delivery is at least once). `delivery_due` is indexed and set to NEVER once an
 * event is delivered or has failed, so finding due events costs the same however large the log is.
 */
@Injectable()
export class EventOutbox {
  constructor(private readonly store: FalkorDbConnection) {}

  private get graph(): string {
    return this.store.tokenGraph;
  }

  /**
   * Claims up to `batch` events of `types` due by `now`, oldest due first, for `leaseMs`. Due events
   * of other types (queued under an earlier choice of types) leave the outbox undelivered.
   */
  async claimDue(types: readonly AuditEventType[], now: number, batch: number, leaseMs: number): Promise<ClaimedEvent[]> {
    // Usually nothing is due: a read finds that out without taking the graph's write lock.
    const due = await this.store.readQuery(this.graph, `MATCH (e:${AUDIT_EVENT_LABEL}) WHERE e.delivery_due <= $now RETURN e.event_id LIMIT 1`, { now });
    if (due.length === 0) return [];
    await this.store.query(
      this.graph,
      `MATCH (e:${AUDIT_EVENT_LABEL}) WHERE e.delivery_due <= $now AND NOT e.type IN $types
       WITH e LIMIT $batch SET e.delivery_due = $never, e.delivery_state = 'skipped'`,
      { now, types: [...types], batch, never: NEVER },
    );
    const claim = randomUUID();
    const rows = await this.store.query(
      this.graph,
      `MATCH (e:${AUDIT_EVENT_LABEL}) WHERE e.delivery_due <= $now AND e.type IN $types
       WITH e ORDER BY e.delivery_due LIMIT $batch
       SET e.delivery_due = $lease_until, e.delivery_claim = $claim, e.delivery_attempts = coalesce(e.delivery_attempts, 0) + 1
       RETURN ${EVENT_FIELDS}, e.delivery_attempts AS attempt`,
      { now, types: [...types], batch, lease_until: now + leaseMs, claim },
    );
    return rows.map((row) => ({ event: toEvent(row), attempt: Number(row.attempt), claim }));
  }

  /** The receiver took it: out of the outbox for good. False when the claim was lost (the lease ended). */
  markDelivered(claimed: ClaimedEvent, now: number): Promise<boolean> {
    return this.settle(claimed, 'SET e.delivery_due = $never, e.delivery_state = $state, e.delivered_at = $now', { state: 'delivered', now });
  }

  /** This attempt failed: tried again at `retryAt`. */
  scheduleRetry(claimed: ClaimedEvent, retryAt: number, error: string): Promise<boolean> {
    return this.settle(claimed, 'SET e.delivery_due = $retry_at, e.delivery_state = $state, e.delivery_error = $error', { state: 'retrying', retry_at: retryAt, error });
  }

  /** The last attempt failed: recorded as failed, never tried again. */
  markFailed(claimed: ClaimedEvent, now: number, error: string): Promise<boolean> {
    return this.settle(claimed, 'SET e.delivery_due = $never, e.delivery_state = $state, e.failed_at = $now, e.delivery_error = $error', { state: 'failed', now, error });
  }

  private async settle(claimed: ClaimedEvent, set: string, params: Record<string, string | number>): Promise<boolean> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (e:${AUDIT_EVENT_LABEL} {event_id: $id}) WHERE e.delivery_claim = $claim
       ${set}, e.delivery_claim = ''
       RETURN e.event_id`,
      { id: claimed.event.id, claim: claimed.claim, never: NEVER, ...params },
    );
    return rows.length === 1;
  }
}
