import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AuditContext, NO_AUDIT_CONTEXT, NOBODY } from '../audit/audit-event';
import { AuditEventAggregator } from '../audit/audit-event-aggregator';
import { AuthFailureReason, knownCredentialFailure } from '../audit/auth-failures';
import { InvalidTokenError } from '../common/domain-errors';
import { isAllowedAddress } from './allowed-ips';
import { CredentialKind, CredentialRef } from '../domain/credential-kind';
import { RevocationReason } from '../domain/token-permissions';
import { UserConnectionPool } from '../falkordb/user-connection-pool';
import { DecryptionFailedError, PasswordCipher } from './crypto/password-cipher';
import { RecordIdentity, RecordMac } from './crypto/record-mac';
import { hashesEqual, hashToken } from './crypto/token-hash';
import { CredentialNodes, VOID_MAC } from './store/credential-nodes';
import { CredentialAuthRecord, CredentialRecord, StoredRestrictions } from './store/credential.record';
import { SessionRepository } from './store/session.repository';
import { NewTokenRecord, TokenListFilter, TokenRecord, TokenScope, TokenSort } from './store/token.record';
import { TokenRepository } from './store/token.repository';
import { TokenPage } from './store/token-records';
import { CredentialUse, isUseWriteDue, LAST_USED_WRITE_INTERVAL_MS, recentIpsAfter } from './usage-tracking';
import { PageRequest } from '../paging/keyset';
import { StoreChangeFeed } from '../falkordb/store-change-feed';
import { RecentAuthReads } from './store/recent-auth-reads';
import { RevocationNotices } from './store/revocation-notices';
import { CredentialOwnerRef, RevokedCredentials } from './store/revoked-credentials';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CREDENTIAL_STORE_OPTIONS, CredentialStoreOptions } from './credential-store.options';
import { NewSession, NewToken, PresentedCredential } from './credential-inputs';

export { LAST_USED_WRITE_INTERVAL_MS };

/** Tokens that stopped counting against their users' caps, per write (bounded, so no write stalls auth). */
const RETIRE_BATCH = 500;

function isFromAllowedAddress(record: Pick<CredentialRecord, 'allowedIps'>, use: CredentialUse): boolean {
  return record.allowedIps === null || (use.ip !== null && isAllowedAddress(record.allowedIps, use.ip));
}

/** A session carries no restrictions of its own. */
const NO_RESTRICTIONS: StoredRestrictions = { access: null, graphs: null, allowedIps: null };

/** What a record's MAC is computed over. */
type SignedFields = Pick<CredentialAuthRecord, 'id' | 'hash' | 'userId' | 'username' | 'role' | 'host' | 'port' | 'tls' | 'createdAt' | 'expiresAt' | 'restrictions'>;

/**
 * The one owner of stored credentials (PATs and sessions): their records, hashes and sealed
 * passwords. Callers name a credential by kind and id and never see a hash or a ciphertext.
 */
@Injectable()
export class CredentialStore {
  private readonly logger = new Logger('CredentialStore');
  private readonly nodes: Readonly<Record<CredentialKind, CredentialNodes>>;
  private readonly cipher: PasswordCipher;
  private readonly mac: RecordMac;
  private readonly recentReads: RecentAuthReads;
  private readonly revocations: RevocationNotices;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    store: FalkorDbConnection,
    @Inject(CREDENTIAL_STORE_OPTIONS) private readonly options: CredentialStoreOptions,
    /** Failed authentications are recorded (aggregated) as `auth.failed` audit events. */
    private readonly repeatedEvents: AuditEventAggregator,
    /** A revoked credential's pooled FalkorDB connection (Graph API) closes with it, not when it next idles out. */
    @Optional() private readonly pool?: UserConnectionPool,
    /** Tells when the store changed, so unchanged records need no read per request (none: every request reads). */
    @Optional() changes?: StoreChangeFeed,
  ) {
    this.nodes = { pat: tokens, session: sessions };
    this.recentReads = new RecentAuthReads(changes);
    this.revocations = new RevocationNotices(store, changes, options.encryptionKey);
    this.cipher = new PasswordCipher(options.encryptionKey);
    this.mac = new RecordMac(options.encryptionKey);
  }

  /**
   * The stored record of a presented credential when it is still good: it exists, is neither
   * revoked nor expired, was issued to the same user, holds the same SHA-256 hash (compared in
   * constant time), and its MAC proves nobody without the key rewrote it. One indexed read (none
   * while the store provably has not changed since this instance last read it: RecentAuthReads),
   * plus a usage write when one is due (usage-tracking.ts: `last_used` every 5 minutes, a new address at
   * most every minute); none at all for a credential known to be revoked (RevocationNotices). A
   * refusal is recorded as an `auth.failed` audit event (aggregated).
   */
  async verify(presented: PresentedCredential, now: number): Promise<CredentialRecord | undefined> {
    const use: CredentialUse = { at: now, ip: presented.clientAddress ?? null, userAgent: presented.userAgent ?? null };
    const refuse = (reason: AuthFailureReason, owner: CredentialOwnerRef | undefined): undefined => {
      this.repeatedEvents.record(knownCredentialFailure(presented.kind, presented.id, owner ?? null, reason, use));
      return undefined;
    };
    // Known revoked (told by the instance that revoked it, or read here before): refused without a
    // read. Only refusals come from this, so skipping the hash check weakens nothing.
    const revokedOwner = this.revocations.revokedOwnerOf(presented.kind, presented.id);
    if (revokedOwner) return refuse('revoked', revokedOwner);
    const nodes = this.nodes[presented.kind];
    const found = await this.recentReads.find(presented.kind, presented.id, () => nodes.findForAuthentication(presented.id));
    const stored = found?.record;
    // The same token against the same unchanged record: its hash and MAC were checked already.
    const matchedBefore = found?.matchedBefore(presented.token) ?? false;
    if (!stored) return refuse('unknown_credential', undefined);
    if (stored.userId !== presented.subject || (!matchedBefore && !hashesEqual(stored.hash, hashToken(presented.token)))) return refuse('mismatch', stored);
    if (stored.revoked) {
      // A genuine token that was rotated away is being used again: whoever holds it (its owner, or
      // whoever it leaked to) now races the holder of its successors. Revoke the whole chain.
      if (stored.revokedReason === 'rotated') {
        await this.revokeSuccessorsOf(stored.id, now, { actor: NOBODY, ip: use.ip, userAgent: use.userAgent });
        return refuse('rotated', stored);
      }
      // Only a revocation this service wrote (its MAC voided with it) is final: remembered for good.
      if (stored.mac === VOID_MAC) this.revocations.remember(presented.kind, stored.id, stored);
      return refuse('revoked', stored);
    }
    if (stored.expiresAt !== null && stored.expiresAt <= now) return refuse('expired', stored);
    if (!matchedBefore && !this.mac.verify(this.identityOf(presented.kind, stored), stored.mac)) {
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

  /** Writes a due use, and updates `stored` to what was written (the caller answers from it). */
  private async recordUse(kind: CredentialKind, stored: CredentialAuthRecord, use: CredentialUse): Promise<void> {
    if (kind === 'session') {
      await this.sessions.touch(stored.id, use.at, LAST_USED_WRITE_INTERVAL_MS);
      stored.lastUsed = use.at;
      return;
    }
    const context: AuditContext = { actor: { username: stored.username, tokenId: stored.id }, ip: use.ip, userAgent: use.userAgent };
    const recentIps = await this.tokens.recordUse(stored.id, use, context);
    Object.assign(stored, { lastUsed: use.at, lastUsedIp: use.ip, lastUsedUserAgent: use.userAgent, recentIps: recentIps ?? recentIpsAfter(stored.recentIps, use.ip) });
  }

  private identityOf(kind: CredentialKind, record: SignedFields): RecordIdentity {
    const { id, hash, userId, username, role, host, port, tls, createdAt, expiresAt, restrictions } = record;
    return { kind, id, hash, userId, username, role, host, port, tls, createdAt, expiresAt, ...restrictions };
  }

  /** When the credential stops being valid (null = never); InvalidTokenError once it is revoked or gone. */
  async validUntil(credential: CredentialRef): Promise<number | null> {
    const stored = await this.nodes[credential.kind].findForAuthentication(credential.id);
    if (!stored || stored.revoked) throw new InvalidTokenError();
    return stored.expiresAt;
  }

  /**
   * The FalkorDB password sealed into the credential, decrypted only at the moment it is needed to
   * connect as the user. InvalidTokenError when the record is gone or cannot be decrypted.
   */
  async passwordOf(credential: CredentialRef): Promise<string> {
    const sealed = await this.nodes[credential.kind].findPasswordCiphertext(credential.id);
    if (sealed === undefined) throw new InvalidTokenError();
    try {
      return this.cipher.decrypt(sealed, credential.id);
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      this.logger.warn(`Stored password of credential ${credential.id} cannot be decrypted (was ENCRYPTION_KEY changed?)`);
      throw new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token');
    }
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
    const revoked = await this.nodes[credential.kind].revoke(credential.id, now, reason, by, context);
    // Evicted even when it was revoked already (a connection opened meanwhile goes too).
    this.pool?.evict(credential.id);
    await this.released(credential.kind, revoked);
  }

  /** Revokes every active token of `username` on `server`; returns how many. */
  async revokeTokensOf(server: { host: string; port: number }, username: string, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<number> {
    const ids = await this.released('pat', await this.tokens.revokeAllOf(server, username, now, by, context));
    return ids.length;
  }

  /**
   * What one write revoked: their pooled connections close, and the other instances are told
   * before the revocation answers, so they refuse the next use without a read. Answers the ids.
   */
  private async released(kind: CredentialKind, revoked: readonly RevokedCredentials[]): Promise<string[]> {
    const ids = revoked.flatMap((group) => group.ids);
    for (const id of ids) this.pool?.evict(id);
    await this.revocations.announce(kind, revoked);
    return ids;
  }

  /**
   * Revokes the token `tokenId` if `token` is that token (same SHA-256) and it is still active.
   * Says nothing about which was the case: callers must not either.
   */
  async revokeIfGenuine(tokenId: string, token: string, now: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<void> {
    const stored = await this.tokens.findForAuthentication(tokenId);
    if (!stored || stored.revoked || !hashesEqual(stored.hash, hashToken(token))) return;
    await this.revoke({ kind: 'pat', id: tokenId }, now, 'leaked', null, context);
  }

  /**
   * Replaces the active token `oldId` by `next` (same owner) in one write: `next` is stored and
   * the old one revoked as `rotated`, linked to it for reuse detection. False when the old token
   * was no longer active.
   */
  async rotateToken(oldId: string, next: NewToken, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    const rotated = await this.tokens.rotate(oldId, this.sealToken(next), now, by, context);
    if (rotated) this.pool?.evict(oldId);
    return rotated;
  }

  private async revokeSuccessorsOf(tokenId: string, now: number, context: AuditContext): Promise<void> {
    const ids = await this.released('pat', await this.tokens.revokeSuccessors(tokenId, now, context));
    this.pool?.evict(tokenId);
    if (ids.length) this.logger.warn(`Token ${tokenId} was used after it had been rotated: revoked ${ids.length} token(s) rotated from it`);
  }

  /** Stores a PAT unless its user already holds `maxActive` active tokens on its server (false then). */
  async storeToken(token: NewToken, maxActive: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    // Tokens that expired since the last write stop counting first, so the cap sees only active ones.
    while ((await this.tokens.retireExpired(token.createdAt, RETIRE_BATCH)) === RETIRE_BATCH);
    return this.tokens.createWithinCap(this.sealToken(token), maxActive, context);
  }

  findToken(tokenId: string): Promise<TokenRecord | undefined> {
    return this.tokens.findById(tokenId);
  }

  /** A new token as stored: the hash, not the token; the sealed password; the MAC over what it is. */
  private sealToken(token: NewToken): NewTokenRecord {
    const { token: jwt, password, permissions, allowedIps, ...fields } = token;
    const hash = hashToken(jwt);
    const restrictions = { access: permissions.access, graphs: permissions.graphs, allowedIps };
    const mac = this.mac.sign(this.identityOf('pat', { ...fields, hash, restrictions }));
    return { ...fields, ...permissions, allowedIps, tokenHash: hash, passwordCiphertext: this.cipher.encrypt(password, token.id), mac };
  }

  /** One page of the tokens in scope that pass `filter`, in `sort` order, after `page.after` (keyset paging). */
  listTokens(scope: TokenScope, filter: TokenListFilter, sort: TokenSort, page: PageRequest, now: number): Promise<TokenPage> {
    return this.tokens.listPage(scope, filter, sort, page, now);
  }

  /** Stores a session; the user's oldest live sessions beyond the per-user limit end in the same write. */
  async storeSession(session: NewSession, context: AuditContext = NO_AUDIT_CONTEXT): Promise<void> {
    const { token: jwt, password, ...record } = session;
    const hash = hashToken(jwt);
    const mac = this.mac.sign(this.identityOf('session', { ...record, hash, restrictions: NO_RESTRICTIONS }));
    await this.sessions.create(
      { ...record, sessionHash: hash, passwordCiphertext: this.cipher.encrypt(password, session.id), mac },
      this.options.maxSessionsPerUser,
      context,
    );
  }
}
