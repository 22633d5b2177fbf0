import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { PatMetrics } from '../metrics/pat-metrics';
import { auditEventView } from '../audit/audit-event-view';
import { ClaimedEvent, EventOutbox } from '../audit/outbox/event-outbox';
import { PeriodicJob } from '../common/periodic-job';
import { TokenStoreExposure } from '../credentials/token-store-exposure';
import { retryDelayMs } from './delivery-backoff';
import { EVENT_DELIVERY_OPTIONS } from './event-delivery.module-definition';
import { EventDeliveryOptions } from './event-delivery.options';
import { WebhookSender } from './webhook-sender';

/** How often the outbox is looked at (one indexed read while nothing is due). */
const POLL_INTERVAL_MS = 1000;
/** Events claimed and sent at once: a dead receiver holds up one batch for one timeout, not one per event. */
const BATCH = 20;
const USER_AGENT = 'falkordb-pat-webhook/1';
/** How often the store's exposure is checked again while delivering (ACLs change without a restart). */
const EXPOSURE_RECHECK_MS = 60_000;
/** How often the log repeats that events are held back. */
const HELD_BACK_LOG_MS = 10 * 60_000;

/**
 * Drains the delivery outbox into the event webhook, off the request path: claims due events,
 * sends them (concurrently, each bounded by the timeout), and writes each outcome: delivered,
 * retried after 1 s doubling to 10 minutes, or failed after the last attempt. Several instances
 * drain the same outbox without sending an event twice (EventOutbox claims). Events are signed only
 * from a store out of other FalkorDB users' reach, or one the operator accepted (TOKEN_STORE_EXPOSURE=accept):
 * otherwise anyone who can write the store could have the service sign events they wrote.
 */
@Injectable()
export class EventDeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventWebhook');
  private readonly sender?: WebhookSender;
  private readonly job: PeriodicJob;
  private exposureCheckedAt = Date.now();
  private heldBackLoggedAt = -Infinity;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly exposure: TokenStoreExposure,
    @Inject(EVENT_DELIVERY_OPTIONS) private readonly options: EventDeliveryOptions,
    /** Counts delivery attempts by result, when the host counts metrics. */
    @Optional() private readonly metrics?: PatMetrics,
  ) {
    if (options.webhook) this.sender = new WebhookSender(options.webhook, USER_AGENT);
    // The store may be down: the next poll tries again (claims of a failed write are retaken after their lease).
    this.job = new PeriodicJob(async () => void (await this.drain()), POLL_INTERVAL_MS, this.logger, 'Outbox drain');
  }

  onApplicationBootstrap(): void {
    if (!this.sender) return;
    this.logger.log(`Delivering ${[...this.options.webhook!.events].join(', ')} events to ${this.options.webhook!.url.origin}`);
    this.job.start(0);
  }

  async onApplicationShutdown(): Promise<void> {
    // An attempt in flight finishes (bounded by the timeout) and its outcome is written.
    await this.job.stop();
  }

  /** Sends what is due until nothing is; answers how many events were attempted (what the timer runs; tests call it too). */
  async drain(): Promise<number> {
    if (!this.sender || !(await this.mayDeliver())) return 0;
    const types = [...this.options.webhook!.events];
    let attempted = 0;
    for (;;) {
      // The clock is read per batch: a batch claimed late must not get a lease already over.
      const claimed = await this.outbox.claimDue(types, Date.now(), BATCH, this.leaseMs);
      await Promise.all(claimed.map((event) => this.deliver(event)));
      attempted += claimed.length;
      if (claimed.length < BATCH || this.job.stopped) return attempted;
    }
  }

  /** Long enough for one attempt and its outcome's write (30 s with the 5 s timeout); an instance that dies leaves its events to others after it. */
  private get leaseMs(): number {
    return this.options.webhook!.timeoutMs + 25_000;
  }

  private async mayDeliver(): Promise<boolean> {
    if (this.options.exposurePolicy === 'accept') return true;
    if (Date.now() - this.exposureCheckedAt >= EXPOSURE_RECHECK_MS) {
      this.exposureCheckedAt = Date.now();
      await this.exposure.check();
    }
    const allowed = this.exposure.state === 'isolated';
    if (!allowed && Date.now() - this.heldBackLoggedAt >= HELD_BACK_LOG_MS) {
      this.heldBackLoggedAt = Date.now();
      this.logger.error(
        `Events are not delivered: the token store is ${this.exposure.state === 'exposed' ? 'writable by FalkorDB users other than admins' : 'of unknown exposure'}, ` +
          'so events its writers put in the outbox would go out signed. Isolate the store (see readiness: tokenStore), or set TOKEN_STORE_EXPOSURE=accept. Events wait in the outbox meanwhile.',
      );
    }
    return allowed;
  }

  private async deliver(claimed: ClaimedEvent): Promise<void> {
    const { event, attempt } = claimed;
    const outcome = await this.sender!.send(auditEventView(event), Date.now());
    const settledAt = Date.now();
    if (outcome.delivered) {
      this.metrics?.webhookDelivery('delivered');
      await this.outbox.markDelivered(claimed, settledAt);
      return;
    }
    if (attempt >= this.options.webhook!.maxAttempts) {
      this.metrics?.webhookDelivery('failed');
      await this.outbox.markFailed(claimed, settledAt, outcome.error);
      this.logger.error(`Event ${event.id} (${event.type}) was not delivered after ${attempt} attempts (last: ${outcome.error}); recorded as failed`);
      return;
    }
    const delay = retryDelayMs(attempt);
    this.metrics?.webhookDelivery('retried');
    await this.outbox.scheduleRetry(claimed, settledAt + delay, outcome.error);
    this.logger.warn(`Event ${event.id} (${event.type}) attempt ${attempt} failed (${outcome.error}); next in ${delay / 1000} s`);
  }
}
