import { randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { auditContextOf } from '../audit/audit-context';
import { CredentialWriter } from '../credentials/credential-writer';
import { UserConnectionPool } from '../falkordb/user-connections/user-connection-pool';
import { AuthSettings } from './auth-settings';
import { VerifiedUser } from './falkordb-login.service';
import { JwtIssuer } from './jwt-issuer';
import { RequestOrigin, UNKNOWN_ORIGIN } from '../domain/request-origin';

export interface OpenedSession {
  sessionId: string;
  /** The session JWT: goes only into the httpOnly cookie. */
  token: string;
  expiresAt: number;
}

/** Browser sessions: a JWT of its own type in a cookie, backed by a revocable record in FalkorDB. */
@Injectable()
export class SessionService {
  constructor(
    private readonly settings: AuthSettings,
    private readonly issuer: JwtIssuer,
    private readonly credentials: CredentialWriter,
    @Optional() private readonly pool?: UserConnectionPool,
  ) {}

  /** Starts a session for `user`; the login is recorded in the audit log with where it came from. */
  async open(user: VerifiedUser, password: string, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<OpenedSession> {
    const sessionId = `s-${randomBytes(16).toString('hex')}`;
    const now = Date.now();
    const expiresAt = Math.floor(now / 1000) * 1000 + this.settings.sessionTtlSeconds * 1000;
    const token = this.issuer.signSession(sessionId, user.userId, expiresAt);
    await this.credentials.storeSession({
      id: sessionId,
      token,
      password,
      userId: user.userId,
      username: user.username,
      role: user.role,
      host: user.server.host,
      port: user.server.port,
      tls: user.server.tls,
      createdAt: now,
      expiresAt,
    }, auditContextOf({ username: user.username, tokenId: null }, origin));
    return { sessionId, token, expiresAt };
  }

  /** Ends session `sessionId` of `username` (recorded as a logout). */
  async close(sessionId: string, username: string | null = null, origin: RequestOrigin = UNKNOWN_ORIGIN): Promise<void> {
    await this.credentials.revoke({ kind: 'session', id: sessionId }, Date.now(), 'owner', username, auditContextOf({ username, tokenId: null }, origin));
    // The session's FalkorDB connection (Graph API) closes with it, not when it next idles out.
    this.pool?.evict(sessionId);
  }

  /** `Set-Cookie` value that stores the session (httpOnly, SameSite=Strict). */
  cookieFor(session: OpenedSession): string {
    const maxAge = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000));
    return this.cookie(encodeURIComponent(session.token), maxAge);
  }

  /** `Set-Cookie` value that deletes the session cookie. */
  clearingCookie(): string {
    return this.cookie('', 0);
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    const secure = this.settings.secureCookies ? '; Secure' : '';
    return `${this.settings.sessionCookieName}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`;
  }
}
