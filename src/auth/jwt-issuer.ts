import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthSettings, PAT_AUDIENCE, SESSION_AUDIENCE } from './auth-settings';
import { IssuedClaims } from './jwt-claims';
import { PAT_JWT_TYPE } from './jwt-header';

/** Signs PATs and session tokens (HS256, separate keys, audiences and `typ`). */
@Injectable()
export class JwtIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly settings: AuthSettings,
  ) {}

  /** `expiresAt` null = a token that never expires (no `exp` claim). */
  signPat(tokenId: string, userId: string, expiresAt: number | null): string {
    return this.jwt.sign(
      { typ: 'pat', sub: userId, jti: tokenId, ...(expiresAt === null ? {} : { exp: Math.floor(expiresAt / 1000) }) },
      {
        // A KeyObject: given bytes, jsonwebtoken first tries (and fails) to parse them as a private key on every sign.
        privateKey: this.settings.patKey,
        algorithm: 'HS256',
        keyid: this.settings.patKeyId,
        // Explicitly typed, so every PAT begins with one prefix secret scanners recognise.
        header: { alg: 'HS256', typ: PAT_JWT_TYPE },
        issuer: this.settings.issuer,
        audience: PAT_AUDIENCE,
      },
    );
  }

  signSession(sessionId: string, userId: string, expiresAt: number): string {
    return this.jwt.sign(
      { typ: 'session', sub: userId, jti: sessionId, exp: Math.floor(expiresAt / 1000) },
      {
        privateKey: this.settings.sessionKey,
        algorithm: 'HS256',
        keyid: this.settings.sessionKeyId,
        issuer: this.settings.issuer,
        audience: SESSION_AUDIENCE,
      },
    );
  }

  /**
   * The token id of a genuine PAT of this service (signature with a current or previous key, HS256,
   * issuer, audience, typ), expired or not; undefined for anything else. For reports of leaked tokens.
   */
  patIdOf(token: string): string | undefined {
    try {
      const claims = this.jwt.verify<IssuedClaims>(token, {
        secret: this.settings.patKeyFor(token).export(),
        algorithms: ['HS256'],
        issuer: this.settings.issuer,
        audience: PAT_AUDIENCE,
        ignoreExpiration: true,
      });
      return claims.typ === 'pat' && typeof claims.jti === 'string' ? claims.jti : undefined;
    } catch {
      return undefined;
    }
  }
}
