import { Injectable, Optional } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { InvalidTokenError } from '../common/domain-errors';
import { UserConnectionPool } from '../graph/user-connection-pool';
import { AdminRoleRecheck } from './admin-role-recheck';
import { AuthSettings, PAT_AUDIENCE, SESSION_AUDIENCE } from './auth-settings';
import { hashesEqual, hashToken } from './crypto/token-hash';
import { IssuedClaims } from './jwt-claims';
import { CredentialKind, Principal } from './principal';
import { credentialOf, extractCredential } from './request-credential';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';

export const JWT_STRATEGY = 'falkordb-jwt';
/** `last_used` is written at most this often per token. */
export const LAST_USED_WRITE_INTERVAL_MS = 5 * 60 * 1000;
/** Leeway for clocks that disagree slightly between issuer and verifier. */
export const CLOCK_TOLERANCE_SECONDS = 30;

const REJECTED = 'The access token is invalid, expired or revoked';

type CredentialOwner = Pick<Principal, 'userId' | 'username' | 'host' | 'port' | 'tls' | 'role'>;

/** The caller, from a stored token or session record (copies only the owner fields, never hashes). */
function principalOf(kind: CredentialKind, credentialId: string, owner: CredentialOwner): Principal {
  const { userId, username, host, port, tls, role } = owner;
  return { kind, credentialId, userId, username, host, port, tls, role };
}

/**
 * Accepts a PAT (Bearer) or a session (cookie). passport-jwt verifies the signature (HS256 only,
 * with the key of the credential's kind), `iss`, `aud` and `exp`; then every request is checked
 * against FalkorDB in one indexed read: the record exists, is not revoked or expired, and holds the
 * same SHA-256 hash (constant-time). A recorded Admin role is confirmed against the server's ACL
 * (AdminRoleRecheck). Store errors propagate as 503: authentication fails closed.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    private readonly settings: AuthSettings,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
    private readonly adminRecheck: AdminRoleRecheck,
    /** Closes the pooled FalkorDB connection of a credential that fails here (revoked, expired). */
    @Optional() private readonly pool?: UserConnectionPool,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromExtractors([
        (request: Parameters<typeof extractCredential>[0]) =>
          extractCredential(request, settings.sessionCookieName)?.token ?? null,
      ]),
      // The key is chosen by where the credential came from, never by anything the token claims.
      // The PAT key may be a previous one (rotation), looked up by the header's kid.
      secretOrKeyProvider: (request: object, raw: string, done: (error: unknown, key?: string | Buffer) => void) => {
        const key = credentialOf(request)?.kind === 'session' ? settings.sessionKey : settings.patKeyFor(raw);
        done(null, key as unknown as Buffer);
      },
      algorithms: ['HS256'],
      issuer: settings.issuer,
      audience: [PAT_AUDIENCE, SESSION_AUDIENCE],
      jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
      passReqToCallback: true,
    });
  }

  async validate(request: object, claims: IssuedClaims): Promise<Principal> {
    const credential = credentialOf(request);
    if (!credential || claims.typ !== credential.kind || typeof claims.jti !== 'string') {
      throw new InvalidTokenError(REJECTED);
    }
    const expectedAudience = credential.kind === 'pat' ? PAT_AUDIENCE : SESSION_AUDIENCE;
    if (claims.aud !== expectedAudience) throw new InvalidTokenError(REJECTED);
    const hash = hashToken(credential.token);
    const now = Date.now();

    if (credential.kind === 'pat') {
      const record = await this.tokens.findForAuthentication(claims.jti);
      if (
        !record ||
        record.revoked ||
        record.userId !== claims.sub ||
        (record.expiresAt !== null && record.expiresAt <= now) ||
        !hashesEqual(record.tokenHash, hash)
      ) {
        // Revocation on another instance shows up here first: its connection on this one goes too.
        this.pool?.evict(claims.jti);
        throw new InvalidTokenError(REJECTED);
      }
      if (record.lastUsed === null || now - record.lastUsed >= LAST_USED_WRITE_INTERVAL_MS) {
        await this.tokens.touch(record.tokenId, now, LAST_USED_WRITE_INTERVAL_MS);
      }
      return this.withCurrentRole(principalOf('pat', record.tokenId, record));
    }

    const session = await this.sessions.findForAuthentication(claims.jti);
    if (
      !session ||
      session.revoked ||
      session.userId !== claims.sub ||
      session.expiresAt <= now ||
      !hashesEqual(session.sessionHash, hash)
    ) {
      this.pool?.evict(claims.jti);
      throw new InvalidTokenError('The session is invalid, expired or has been logged out');
    }
    return this.withCurrentRole(principalOf('session', session.sessionId, session));
  }

  /** A recorded Admin acts as Admin only while the server's ACL still says so (re-read every 30 s at most). */
  private async withCurrentRole(principal: Principal): Promise<Principal> {
    principal.role = await this.adminRecheck.currentRole(principal);
    return principal;
  }
}
