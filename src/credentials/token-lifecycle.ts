import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JOB_BATCH, PeriodicJob } from '../common/periodic-job';
import { isoSeconds } from '../common/iso-time';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { CredentialWriter } from './credential-writer';
import { DAY_MS, noticeScheduleDays, noticeStep } from './expiry-notices';
import { NoticeDueToken, NoticeUpdate, TokenLifecycleRepository } from './store/token-lifecycle.repository';

/** Tokens created up to this long before the last backfill pass are looked at again by the next. */
const ROLLING_UPGRADE_OVERLAP_MS = 24 * 3600 * 1000;

export interface LifecycleReport {
  /** `token.expiring` events recorded. */
  notices: number;
  /** Tokens revoked as `unused`. */
  revokedUnused: number;
}

const twoDecimals = (value: number): number => Math.round(value * 100) / 100;

/**
 * What happens to tokens as time passes, without anyone asking: a `token.expiring` event when a
 * token's expiry comes within each of EXPIRY_NOTICE_DAYS (once per threshold), and revocation as
 * `unused` of tokens not used for TOKEN_REVOKE_UNUSED_DAYS. One indexed scan of each on a timer
 * (TokenLifecycleRepository: its cost follows the tokens due, not the store's size). Safe on
 * several instances at once: every write applies only to a token still as it was found.
 */
@Injectable()
export class TokenLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TokenLifecycle');
  private readonly job: PeriodicJob;
  private backfilled = false;

  constructor(
    private readonly lifecycle: TokenLifecycleRepository,
    private readonly writer: CredentialWriter,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
  ) {
    this.job = new PeriodicJob((now) => this.cycle(now), options.lifecycleScanIntervalMs, this.logger, 'Token lifecycle scan');
  }

  onApplicationBootstrap(): void {
    this.job.start(0);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }

  /** One cycle at `now`: what the timer runs, callable directly (tests use a chosen `now`). */
  async scan(now: number): Promise<LifecycleReport> {
    if (!this.backfilled) await this.backfill(now);
    // Notices off: tokens keep their schedule, so turning notices on again reaches them.
    const notices = this.options.expiryNoticeDays.length ? await this.recordNotices(now) : 0;
    const revokedUnused = this.options.revokeUnusedAfterDays === null ? 0 : await this.revokeUnused(now, this.options.revokeUnusedAfterDays);
    return { notices, revokedUnused };
  }

  private recordNotices(now: number): Promise<number> {
    return this.job.inBatches(async (batch) => {
      const due = await this.lifecycle.findNoticeDue(now, batch);
      const written = await this.lifecycle.writeNotices(due.map((token) => this.noticeUpdate(token, now)), now);
      return { full: due.length >= batch, done: written };
    });
  }

  private noticeUpdate(token: NoticeDueToken, now: number): NoticeUpdate {
    if (!token.active || token.expiresAt === null || token.expiresAt <= now) return { token, notice: null, nextDue: null };
    const step = noticeStep(token.expiresAt, now, this.options.expiryNoticeDays, token.noticedDays);
    const notice =
      step.thresholdDays === null
        ? null
        : {
            thresholdDays: step.thresholdDays,
            detail: { expires_at: isoSeconds(token.expiresAt), days_left: twoDecimals((token.expiresAt - now) / DAY_MS), threshold_days: step.thresholdDays },
          };
    return { token, notice, nextDue: step.nextDue };
  }

  private revokeUnused(now: number, unusedDays: number): Promise<number> {
    const cutoff = now - unusedDays * DAY_MS;
    return this.job.inBatches(async (batch) => {
      const idle = await this.lifecycle.findIdleSince(cutoff, now, batch);
      const active = idle.filter((token) => token.active).map((token) => token.id);
      const revoked = new Set(active.length ? await this.writer.revokeUnused(active, cutoff, now, unusedDays) : []);
      // The rest leave the scan: no longer active, used since (by an instance that keeps no idle key), or unrevocable.
      await this.lifecycle.settleIdle(idle.map((token) => token.id).filter((id) => !revoked.has(id)), cutoff);
      if (revoked.size) this.logger.log(`Revoked ${revoked.size} token(s) unused for ${unusedDays} days`);
      return { full: idle.length >= batch, done: revoked.size };
    });
  }

  /**
   * Tokens stored without lifecycle keys (by an earlier version) get them: every token the first
   * time, then at each start those created since the last pass (a day of overlap covers instances
   * still on the earlier version during a rolling upgrade). Created_at windows, narrowed while full.
   */
  private async backfill(now: number): Promise<void> {
    const through = await this.lifecycle.backfilledThrough();
    const largest = Math.max(...noticeScheduleDays(this.options.expiryNoticeDays)) * DAY_MS;
    let from = through === null ? -1 : through - ROLLING_UPGRADE_OVERLAP_MS;
    let width = DAY_MS;
    let written = 0;
    while (from < now && !this.job.stopped) {
      const to = Math.min(now, from + width);
      const window = await this.lifecycle.backfillCreatedIn(from, to, JOB_BATCH, largest);
      written += window.written;
      if (window.full) {
        width = Math.max(1, Math.floor(width / 2));
        continue;
      }
      from = to;
      width *= 2;
    }
    if (this.job.stopped) return;
    await this.lifecycle.markBackfilled(now);
    this.backfilled = true;
    if (written) this.logger.log(`Gave ${written} token(s) stored before expiry notices and unused-token expiry existed their schedule`);
  }

  private async cycle(now: number): Promise<void> {
    const report = await this.scan(now);
    if (report.notices) this.logger.log(`Recorded ${report.notices} expiry notice(s)`);
  }
}
