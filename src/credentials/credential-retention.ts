import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { PeriodicJob } from '../common/periodic-job';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';

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
  private readonly job: PeriodicJob;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditService,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
  ) {
    this.job = new PeriodicJob((now) => this.cycle(now), options.purgeIntervalMs, this.logger, 'Purge');
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job.stop();
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

  /** One batch after another while the last one did something (each step is idempotent). */
  private inBatches(step: (batch: number) => Promise<number>): Promise<number> {
    return this.job.inBatches(async (batch) => {
      const done = await step(batch);
      return { full: done > 0, done };
    });
  }

  private async cycle(now: number): Promise<void> {
    const report = await this.purge(now);
    if (report.tokensDeleted || report.sessionsDeleted) {
      this.logger.log(`Purged ${report.tokensDeleted} tokens and ${report.sessionsDeleted} sessions ended over ${this.options.retentionDays} days ago`);
    }
    if (report.auditEventsDeleted) {
      this.logger.log(`Purged ${report.auditEventsDeleted} audit events over ${this.options.auditRetentionDays} days old`);
    }
  }
}
