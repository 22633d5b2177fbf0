import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuditContext, NO_AUDIT_CONTEXT } from '../audit/audit-event';
import { CredentialKind, CredentialRef } from '../domain/credential-kind';
import { RevocationReason } from '../domain/token-permissions';
import { UserConnectionPool } from '../falkordb/user-connections/user-connection-pool';
import { CredentialSeal } from './credential-seal';
import { PatMetrics } from '../metrics/pat-metrics';
import { CredentialsModuleOptions } from './credentials.options';
import { CREDENTIALS_MODULE_OPTIONS } from './credentials.module-definition';
import { NewSession, NewToken } from './credential-inputs';
import { hashesEqual, hashToken } from './crypto/token-hash';
import { RevocationNotices } from './store/revocation-notices';
import { RevokedCredentials } from './store/revoked-credentials';
import { CredentialNodesByKind } from './store/credential-nodes-by-kind';
import { NewTokenRecord } from './store/token.record';
import { firstNoticeDue, noticeScheduleDays } from './expiry-notices';

/** Tokens that stopped counting against their users' caps, per write (bounded, so no write stalls auth). */
const RETIRE_BATCH = 500;

/**
 * Every change to stored credentials (PATs and sessions): storing, rotating, revoking. Callers
 * name a credential by kind and id and hand over the JWT and password, which are sealed here
 * (CredentialSeal) and never stored as given. A revocation is in force on every instance before it
 * answers (RevocationNotices), and closes the credential's pooled FalkorDB connection.
 */
@Injectable()
export class CredentialWriter {
  private readonly logger = new Logger('CredentialStore');

  constructor(
    private readonly nodes: CredentialNodesByKind,
    private readonly seal: CredentialSeal,
    private readonly revocations: RevocationNotices,
    @Inject(CREDENTIALS_MODULE_OPTIONS) private readonly options: CredentialsModuleOptions,
    /** A revoked credential's pooled FalkorDB connection (Graph API) closes with it, not when it next idles out. */
    @Optional() private readonly pool?: UserConnectionPool,
    /** Counts created and revoked tokens, when the host counts metrics. */
    @Optional() private readonly metrics?: PatMetrics,
  ) {}

  /** Stores a PAT unless its user already holds `maxActive` active tokens on its server (false then). */
  async storeToken(token: NewToken, maxActive: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    // Tokens that expired since the last write stop counting first, so the cap sees only active ones.
    while ((await this.nodes.tokens.retireExpired(token.createdAt, RETIRE_BATCH)) === RETIRE_BATCH);
    const stored = await this.nodes.tokens.createWithinCap(this.sealed(token), maxActive, context);
    if (stored) this.metrics?.tokenCreated();
    return stored;
  }

  /** The token as stored: sealed, and scheduled for its first expiry notice. */
  private sealed(token: NewToken): NewTokenRecord {
    return { ...this.seal.sealToken(token), noticeDue: firstNoticeDue(token.expiresAt, noticeScheduleDays(this.options.expiryNoticeDays)) };
  }

  /** Stores a session; the user's oldest live sessions beyond the per-user limit end in the same write. */
  async storeSession(session: NewSession, context: AuditContext = NO_AUDIT_CONTEXT): Promise<void> {
    await this.nodes.sessions.create(this.seal.sealSession(session), this.options.maxSessionsPerUser, context);
  }

  /**
   * Replaces the active token `oldId` by `next` (same owner) in one write: `next` is stored and
   * the old one revoked as `rotated`, linked to it for reuse detection. False when the old token
   * was no longer active.
   */
  async rotateToken(oldId: string, next: NewToken, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    const rotated = await this.nodes.tokens.rotate(oldId, this.sealed(next), now, by, context);
    if (rotated) {
      this.pool?.evict(oldId);
      this.metrics?.tokenCreated();
      this.metrics?.tokensRevokedFor('rotated', 1);
    }
    return rotated;
  }

  /**
   * Revokes a token or ends a session (idempotent: the first revocation is kept). The write
   * voids every instance's remembered reads before the next request there is answered, so it is in
   * force everywhere at once.
   */
  async revoke(
    credential: CredentialRef,
    now: number,
    reason: RevocationReason = 'owner',
    by: string | null = null,
    context: AuditContext = NO_AUDIT_CONTEXT,
  ): Promise<void> {
    const revoked = await this.nodes.of(credential.kind).revoke(credential.id, now, reason, by, context);
    // Evicted even when it was revoked already (a connection opened meanwhile goes too).
    this.pool?.evict(credential.id);
    await this.released(credential.kind, revoked, reason);
  }

  /** Revokes every active token of `username` on `server`; returns how many. */
  async revokeTokensOf(server: { host: string; port: number }, username: string, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<number> {
    const ids = await this.released('pat', await this.nodes.tokens.revokeAllOf(server, username, now, by, context), 'bulk');
    return ids.length;
  }

  /**
   * Revokes the token `tokenId` if `token` is that token (same SHA-256) and it is still active.
   * Says nothing about which was the case: callers must not either.
   */
  async revokeIfGenuine(tokenId: string, token: string, now: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<void> {
    const stored = await this.nodes.tokens.findForAuthentication(tokenId);
    if (!stored || stored.revoked || !hashesEqual(stored.hash, hashToken(token))) return;
    await this.revoke({ kind: 'pat', id: tokenId }, now, 'leaked', null, context);
  }

  /**
   * Revokes, as `unused`, those of `tokenIds` still active and unused since `idleCutoff` (a use
   * since they were found keeps them); returns the ids it revoked.
   */
  async revokeUnused(tokenIds: readonly string[], idleCutoff: number, now: number, unusedDays: number): Promise<string[]> {
    return this.released('pat', await this.nodes.tokens.revokeUnused(tokenIds, idleCutoff, now, unusedDays), 'unused');
  }

  /** A token rotated away was used again: everything rotated from it is revoked (reuse detection). */
  async revokeSuccessorsOf(tokenId: string, now: number, context: AuditContext): Promise<void> {
    const ids = await this.released('pat', await this.nodes.tokens.revokeSuccessors(tokenId, now, context), 'reuse_detected');
    this.pool?.evict(tokenId);
    if (ids.length) this.logger.warn(`Token ${tokenId} was used after it had been rotated: revoked ${ids.length} token(s) rotated from it`);
  }

  /**
   * What one write revoked: their pooled connections close, and the other instances are told
   * before the revocation answers, so they refuse the next use without a read. Answers the ids.
   */
  private async released(kind: CredentialKind, revoked: readonly RevokedCredentials[], reason: RevocationReason): Promise<string[]> {
    const ids = revoked.flatMap((group) => group.ids);
    if (kind === 'pat') this.metrics?.tokensRevokedFor(reason, ids.length);
    for (const id of ids) this.pool?.evict(id);
    await this.revocations.announce(kind, revoked);
    return ids;
  }
}
