import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InvalidTokenError } from '../common/domain-errors';
import { CredentialKind } from './credential-kind';
import { RevocationReason, TokenPermissions } from './token-permissions';
import { UserConnectionPool } from '../graph/user-connection-pool';
import { DecryptionFailedError, PasswordCipher } from './crypto/password-cipher';
import { RecordIdentity, RecordMac } from './crypto/record-mac';
import { hashesEqual, hashToken } from './crypto/token-hash';
import { CredentialNodes } from './store/credential-nodes';
import { CredentialAuthRecord, CredentialOwner, CredentialRecord, StoredRestrictions } from './store/credential.record';
import { SessionRepository } from './store/session.repository';
import { NewTokenRecord, TokenRecord, TokenScope, TokenState } from './store/token.record';
import { TokenRepository } from './store/token.repository';

/** `last_used` is written at most this often per credential (the announcement's 5-minute throttle). */
export const LAST_USED_WRITE_INTERVAL_MS = 5 * 60 * 1000;

/** Tokens that stopped counting against their users' caps, per write (bounded, so no write stalls auth). */
const RETIRE_BATCH = 500;

/** A session carries no restrictions of its own. */
const NO_RESTRICTIONS: StoredRestrictions = { access: null, graphs: null, allowedIps: null };

/** What a record's MAC is computed over. */
type SignedFields = Pick<CredentialAuthRecord, 'id' | 'hash' | 'userId' | 'username' | 'role' | 'host' | 'port' | 'tls' | 'createdAt' | 'expiresAt' | 'restrictions'>;

/** Injection token of the store's settings (provided by the module that registers the store). */
export const CREDENTIAL_STORE_OPTIONS = Symbol('CREDENTIAL_STORE_OPTIONS');

export interface CredentialStoreOptions {
  /** 64 hex characters: the AES-256-GCM key the stored passwords are sealed with. */
  encryptionKey: string;
  /** Live sessions one user may hold; a new login ends the oldest beyond it. */
  maxSessionsPerUser: number;
  /** Ended (expired or revoked) tokens and sessions are deleted this many days after they ended. */
  retentionDays: number;
  /** How often the purge runs. */
  purgeIntervalMs: number;
}

/** Which stored credential: a token id or a session id, and its kind. */
export interface CredentialRef {
  kind: CredentialKind;
  id: string;
}

/** A credential as presented on a request: its signed claims and the raw JWT (to be hashed). */
export interface PresentedCredential extends CredentialRef {
  /** The JWT's `sub`: the user id it was issued to. */
  subject: string;
  token: string;
}

/** A credential to store: the JWT and password are hashed and sealed here, never stored as given. */
export interface NewCredential extends CredentialOwner {
  id: string;
  token: string;
  password: string;
  createdAt: number;
}

export interface NewToken extends NewCredential {
  name: string;
  expiresAt: number | null;
  permissions: TokenPermissions;
  allowedIps: string[] | null;
}

export interface NewSession extends NewCredential {
  expiresAt: number;
}

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

  constructor(
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    @Inject(CREDENTIAL_STORE_OPTIONS) private readonly options: CredentialStoreOptions,
    /** A revoked credential's pooled FalkorDB connection (Graph API) closes with it, not when it next idles out. */
    @Optional() private readonly pool?: UserConnectionPool,
  ) {
    this.nodes = { pat: tokens, session: sessions };
    this.cipher = new PasswordCipher(options.encryptionKey);
    this.mac = new RecordMac(options.encryptionKey);
  }

  /**
   * The stored record of a presented credential when it is still good: it exists, is neither
   * revoked nor expired, was issued to the same user, holds the same SHA-256 hash (compared in
   * constant time), and its MAC proves nobody without the key rewrote it. One indexed read, plus a
   * `last_used` write at most every 5 minutes.
   */
  async verify(presented: PresentedCredential, now: number): Promise<CredentialRecord | undefined> {
    const nodes = this.nodes[presented.kind];
    const stored = await nodes.findForAuthentication(presented.id);
    if (!stored || stored.userId !== presented.subject || !hashesEqual(stored.hash, hashToken(presented.token))) return undefined;
    if (stored.revoked) {
      // A genuine token that was rotated away is being used again: whoever holds it (its owner, or
      // whoever it leaked to) now races the holder of its successors. Revoke the whole chain.
      if (stored.revokedReason === 'rotated') await this.revokeSuccessorsOf(stored.id, now);
      return undefined;
    }
    if (stored.expiresAt !== null && stored.expiresAt <= now) return undefined;
    if (!this.mac.verify(this.identityOf(presented.kind, stored), stored.mac)) {
      this.logger.warn(`Credential ${stored.id} failed its integrity check: its stored record was changed without the key; refused`);
      return undefined;
    }
    if (stored.lastUsed === null || now - stored.lastUsed >= LAST_USED_WRITE_INTERVAL_MS) {
      await nodes.touch(stored.id, now, LAST_USED_WRITE_INTERVAL_MS);
      stored.lastUsed = now;
    }
    // The hash stays inside the store.
    const { hash, mac, ...record } = stored;
    return record;
  }

  /**
   * Gives records written before MACs existed their MAC, in batches (run once at startup; a no-op
   * afterwards). Trust on first use: whatever such a record says when the upgrade runs is signed.
   */
  async signUnsignedRecords(): Promise<number> {
    let signed = 0;
    const span = 2000;
    for (const kind of ['pat', 'session'] as const) {
      const last = await this.nodes[kind].lastNodeId();
      for (let from = 0; from <= last; from += span) {
        const page = await this.nodes[kind].findByNodeIds(from, span);
        const unsigned = page.filter((record) => record.mac === null && !record.revoked);
        if (unsigned.length === 0) continue;
        await this.nodes[kind].setMissingMacs(unsigned.map((record) => ({ id: record.id, mac: this.mac.sign(this.identityOf(kind, record)) })));
        signed += unsigned.length;
      }
    }
    return signed;
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
   * Revokes a token or ends a session (idempotent: the first revocation is kept). Every request
   * reads the store, so it is in force on every instance for the next request.
   */
  async revoke(credential: CredentialRef, now: number, reason: RevocationReason = 'owner', by: string | null = null): Promise<void> {
    await this.nodes[credential.kind].revoke(credential.id, now, reason, by);
    this.pool?.evict(credential.id);
  }

  /** Revokes every active token of `username` on `server`; returns how many. */
  async revokeTokensOf(server: { host: string; port: number }, username: string, now: number, by: string): Promise<number> {
    const ids = await this.tokens.revokeAllOf(server, username, now, by);
    for (const id of ids) this.pool?.evict(id);
    return ids.length;
  }

  /**
   * Revokes the token `tokenId` if `token` is that token (same SHA-256) and it is still active.
   * Says nothing about which was the case: callers must not either.
   */
  async revokeIfGenuine(tokenId: string, token: string, now: number): Promise<void> {
    const stored = await this.tokens.findForAuthentication(tokenId);
    if (!stored || stored.revoked || !hashesEqual(stored.hash, hashToken(token))) return;
    await this.revoke({ kind: 'pat', id: tokenId }, now, 'leaked', null);
  }

  /**
   * Replaces the active token `oldId` by `next` (same owner) in one write: `next` is stored and
   * the old one revoked as `rotated`, linked to it for reuse detection. False when the old token
   * was no longer active.
   */
  async rotateToken(oldId: string, next: NewToken, now: number, by: string): Promise<boolean> {
    const rotated = await this.tokens.rotate(oldId, this.sealToken(next), now, by);
    if (rotated) this.pool?.evict(oldId);
    return rotated;
  }

  private async revokeSuccessorsOf(tokenId: string, now: number): Promise<void> {
    const ids = await this.tokens.revokeSuccessors(tokenId, now);
    for (const id of [tokenId, ...ids]) this.pool?.evict(id);
    if (ids.length) this.logger.warn(`Token ${tokenId} was used after it had been rotated: revoked ${ids.length} token(s) rotated from it`);
  }

  /** Stores a PAT unless its user already holds `maxActive` active tokens on its server (false then). */
  async storeToken(token: NewToken, maxActive: number): Promise<boolean> {
    // Tokens that expired since the last write stop counting first, so the cap sees only active ones.
    while ((await this.tokens.retireExpired(token.createdAt, RETIRE_BATCH)) === RETIRE_BATCH);
    return this.tokens.createWithinCap(this.sealToken(token), maxActive);
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

  /** Tokens in scope and in `state` at `now`, newest first. */
  listTokens(scope: TokenScope, state: TokenState, now: number): Promise<TokenRecord[]> {
    return this.tokens.list(scope, state, now);
  }

  /** Stores a session; the user's oldest live sessions beyond the per-user limit end in the same write. */
  async storeSession(session: NewSession): Promise<void> {
    const { token: jwt, password, ...record } = session;
    const hash = hashToken(jwt);
    const mac = this.mac.sign(this.identityOf('session', { ...record, hash, restrictions: NO_RESTRICTIONS }));
    await this.sessions.create(
      { ...record, sessionHash: hash, passwordCiphertext: this.cipher.encrypt(password, session.id), mac },
      this.options.maxSessionsPerUser,
    );
  }
}
