import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditContext, NOBODY } from '../audit/audit-event';
import { AuditEventAggregator } from '../audit/audit-event-aggregator';
import { AuthFailureReason, knownCredentialFailure } from '../audit/auth-failures';
import { InvalidTokenError } from './credential-errors';
import { CredentialKind, CredentialRef } from '../domain/credential-kind';
import { PageRequest } from '../paging/keyset';
import { isAllowedAddress } from './allowed-ips';
import { PresentedCredential } from './credential-inputs';
import { CredentialSeal } from './credential-seal';
import { CredentialWriter } from './credential-writer';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { DecryptionFailedError } from './crypto/password-cipher';
import { hashesEqual, hashToken } from './crypto/token-hash';
import { VOID_MAC } from './store/credential-nodes';
import { CredentialAuthRecord, CredentialRecord } from './store/credential.record';
import { RecentAuthReads } from './store/recent-auth-reads';
import { RevocationNotices } from './store/revocation-notices';
import { CredentialOwnerRef } from './store/revoked-credentials';
import { TokenListFilter, TokenRecord, TokenScope, TokenSort } from './store/token.record';
import { TokenPage } from './store/token-records';
import { CredentialNodesByKind } from './store/credential-nodes-by-kind';
import { CredentialUse, isUseWriteDue, LAST_USED_WRITE_INTERVAL_MS, recentIpsAfter } from './usage-tracking';

export { LAST_USED_WRITE_INTERVAL_MS };

function isFromAllowedAddress(record: Pick<CredentialRecord, 'allowedIps'>, use: CredentialUse): boolean {
  return record.allowedIps === null || (use.ip !== null && isAllowedAddress(record.allowedIps, use.ip));
}

/**
 * Reads stored credentials (PATs and sessions) and decides whether a presented one is still good.
 * Callers name a credential by kind and id and never see a hash or a ciphertext. Its writes are
 * the ones authentication causes: a due usage update, and reuse detection's revocations
 * (through CredentialWriter).
 */
@Injectable()
export class CredentialReader {
  private readonly logger = new Logger('CredentialStore');

  constructor(
    private readonly nodes: CredentialNodesByKind,
    private readonly seal: CredentialSeal,
    /** Tells when the store changed, so unchanged records need no read per request. */
    private readonly recentReads: RecentAuthReads,
    private readonly revocations: RevocationNotices,
    private readonly writer: CredentialWriter,
    /** Failed authentications are recorded (aggregated) as `auth.failed` audit events. */
    private readonly repeatedEvents: AuditEventAggregator,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
  ) {}

  /**
   * The stored record of a presented credential when it is still good: it exists, is neither
   * revoked nor expired, was issued to the same user, holds the same SHA-256 hash (compared in
   * constant time), and its MAC proves nobody without the key rewrote it. One indexed read (none
   * while the store provably has not changed since this instance last read it: RecentAuthReads),
   * plus a usage write when one is due (usage-tracking.ts: `last_used` every 5 minutes, a new address at
   * most every minute); none at all for a credential known to be revoked (RevocationNotices). A
   * refusal is recorded as an `auth.failed` audit event (aggregated), and told to `onRefused`.
   */
  async verify(presented: PresentedCredential, now: number, onRefused?: (reason: AuthFailureReason) => void): Promise<CredentialRecord | undefined> {
    const use: CredentialUse = { at: now, ip: presented.clientAddress ?? null, userAgent: presented.userAgent ?? null };
    const refuse = (reason: AuthFailureReason, owner: CredentialOwnerRef | undefined): undefined => {
      this.repeatedEvents.record(knownCredentialFailure(presented.kind, presented.id, owner ?? null, reason, use));
      onRefused?.(reason);
      return undefined;
    };
    // Known revoked (told by the instance that revoked it, or read here before): refused without a
    // read. Only refusals come from this, so skipping the hash check weakens nothing.
    const revokedOwner = this.revocations.revokedOwnerOf(presented.kind, presented.id);
    if (revokedOwner) return refuse('revoked', revokedOwner);
    const nodes = this.nodes.of(presented.kind);
    const found = await this.recentReads.find(presented.kind, presented.id, () => nodes.findForAuthentication(presented.id));
    const stored = found?.record;
    // The same token against the same unchanged record: its hash and MAC were checked already.
    const matchedBefore = found?.matchedBefore(presented.token) ?? false;
    if (!stored) return refuse('unknown_credential', undefined);
    if (stored.userId !== presented.subject || (!matchedBefore && !hashesEqual(stored.hash, hashToken(presented.token)))) return refuse('mismatch', stored);
    if (stored.revoked) {
      // A genuine token that was rotated away is being used again: whoever holds it (its owner, or
      // whoever it leaked to) now races the holder of its successors. Revoke the whole chain, unless
      // the rotation is recent enough to be a retry of it (or a request sent before it) still in flight.
      if (stored.revokedReason === 'rotated') {
        if (this.isWithinRotationGrace(stored, now)) return refuse('rotated', stored);
        await this.writer.revokeSuccessorsOf(stored.id, now, { actor: NOBODY, ip: use.ip, userAgent: use.userAgent });
        return refuse('rotated', stored);
      }
      // Only a revocation this service wrote (its MAC voided with it) is final: remembered for good.
      if (stored.mac === VOID_MAC) this.revocations.remember(presented.kind, stored.id, stored);
      return refuse('revoked', stored);
    }
    if (stored.expiresAt !== null && stored.expiresAt <= now) return refuse('expired', stored);
    if (!matchedBefore && !this.seal.isIntact(presented.kind, stored)) {
      this.logger.warn(`Credential ${stored.id} failed its integrity check: its stored record was changed without the key; refused`);
      return refuse('integrity', stored);
    }
    found?.matched(presented.token);
    // A request from outside the token's allowed addresses is refused (JwtAuthGuard records it as
    // token.ip_denied): it is not a use, and its address does not join the recent ones. (Checked
    // only when a write is due: the guard checks every request.)
    if (isUseWriteDue(stored, use, presented.kind === 'pat') && isFromAllowedAddress(stored, use)) await this.recordUse(presented.kind, stored, use);
    // The hash stays inside the store.
    const { hash, mac, ...record } = stored;
    return record;
  }

  /** Within ROTATION_REUSE_GRACE_SECONDS of its rotation, a rotated-away token is refused without reuse detection. */
  private isWithinRotationGrace(stored: CredentialRecord, now: number): boolean {
    const grace = this.options.rotationReuseGraceMs;
    // A rotation "in the future" (another instance's clock ahead) gets no grace: reuse detection stays the rule.
    return grace > 0 && stored.revokedAt !== null && stored.revokedAt <= now && now < stored.revokedAt + grace;
  }

  /** Writes a due use, and updates `stored` to what was written (the caller answers from it). */
  private async recordUse(kind: CredentialKind, stored: CredentialAuthRecord, use: CredentialUse): Promise<void> {
    if (kind === 'session') {
      await this.nodes.sessions.touch(stored.id, use.at, LAST_USED_WRITE_INTERVAL_MS);
      stored.lastUsed = use.at;
      return;
    }
    const context: AuditContext = { actor: { username: stored.username, tokenId: stored.id }, ip: use.ip, userAgent: use.userAgent };
    const recentIps = await this.nodes.tokens.recordUse(stored.id, use, context);
    Object.assign(stored, { lastUsed: use.at, lastUsedIp: use.ip, lastUsedUserAgent: use.userAgent, recentIps: recentIps ?? recentIpsAfter(stored.recentIps, use.ip) });
  }

  /** When the credential stops being valid (null = never); InvalidTokenError once it is revoked or gone. */
  async validUntil(credential: CredentialRef): Promise<number | null> {
    const stored = await this.nodes.of(credential.kind).findForAuthentication(credential.id);
    if (!stored || stored.revoked) throw new InvalidTokenError();
    return stored.expiresAt;
  }

  /**
   * The FalkorDB password sealed into the credential, decrypted only at the moment it is needed to
   * connect as the user. InvalidTokenError when the record is gone or cannot be decrypted.
   */
  async passwordOf(credential: CredentialRef): Promise<string> {
    const sealed = await this.nodes.of(credential.kind).findPasswordCiphertext(credential.id);
    if (sealed === undefined) throw new InvalidTokenError();
    try {
      return this.seal.openPassword(credential.id, sealed);
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      this.logger.warn(`Stored password of credential ${credential.id} cannot be decrypted (was ENCRYPTION_KEY changed?)`);
      throw new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token');
    }
  }

  findToken(tokenId: string): Promise<TokenRecord | undefined> {
    return this.nodes.tokens.findById(tokenId);
  }

  /** One page of the tokens in scope that pass `filter`, in `sort` order, after `page.after` (keyset paging). */
  listTokens(scope: TokenScope, filter: TokenListFilter, sort: TokenSort, page: PageRequest, now: number): Promise<TokenPage> {
    return this.nodes.tokens.listPage(scope, filter, sort, page, now);
  }
}
