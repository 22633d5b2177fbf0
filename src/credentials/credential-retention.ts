import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';
import { errorMessage } from '../common/error-message';

/** Records one write touches: small enough that authentication never waits long behind it. */
const BATCH = 500;
/** Batches per kind and cycle, so one cycle after a long pause cannot run for minutes. */
const MAX_BATCHES_PER_CYCLE = 100;
const DAY_MS = 24 * 3600 * 1000;

export interface PurgeReport {
  /** Expired tokens that stopped counting against their users' caps. */
  retired: number;
  tokensDeleted: number;
  sessionsDeleted: number;
  /** Audit events older than the audit retention period. */
  auditEventsDeleted: number;
}

/**
 * Keeps the store from growing for ever: expired tokens stop counting against caps, tokens and
 * sessions that ended (expired or revoked) more than the retention period ago are deleted, and so
 * are audit events older than theirs, in small batches on a timer. Safe on several instances at
 * once (every step is idempotent).
 */
@Injectable()
export class CredentialRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CredentialRetention');
  private timer?: NodeJS.Timeout;
  private cycle?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditService,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.cycle;
  }

  /** One cycle at `now`: what the timer runs, callable directly (tests use a chosen `now`). */
  async purge(now: number): Promise<PurgeReport> {
    const retired = await this.inBatches((batch) => this.tokens.retireExpired(now, batch));
    const cutoff = now - this.options.retentionDays * DAY_MS;
    const tokensDeleted = await this.inBatches((batch) => this.tokens.purgeEndedBefore(cutoff, batch));
    const sessionsDeleted = await this.inBatches((batch) => this.sessions.purgeEndedBefore(cutoff, batch));
    const auditCutoff = now - this.options.auditRetentionDays * DAY_MS;
    const auditEventsDeleted = await this.inBatches((batch) => this.audit.purgeBefore(auditCutoff, batch));
    return { retired, tokensDeleted, sessionsDeleted, auditEventsDeleted };
  }

  private async inBatches(step: (batch: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (let round = 0; round < MAX_BATCHES_PER_CYCLE && !this.stopped; round += 1) {
      const done = await step(BATCH);
      total += done;
      if (done === 0) break;
    }
    return total;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.cycle = this.purge(Date.now())
        .then((report) => {
          if (report.tokensDeleted || report.sessionsDeleted) {
            this.logger.log(`Purged ${report.tokensDeleted} tokens and ${report.sessionsDeleted} sessions ended over ${this.options.retentionDays} days ago`);
          }
          if (report.auditEventsDeleted) {
            this.logger.log(`Purged ${report.auditEventsDeleted} audit events over ${this.options.auditRetentionDays} days old`);
          }
        })
        // The store may be down: the next cycle tries again; authentication reports outages itself.
        .catch((error: unknown) => this.logger.warn(`Purge skipped: ${errorMessage(error)}`))
        .finally(() => this.schedule());
    }, this.options.purgeIntervalMs);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }
}
