import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthSettings, PAT_AUDIENCE, SESSION_AUDIENCE } from './auth-settings';

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
        secret: this.settings.patKey.export(),
        algorithm: 'HS256',
        keyid: this.settings.patKeyId,
        issuer: this.settings.issuer,
        audience: PAT_AUDIENCE,
      },
    );
  }

  signSession(sessionId: string, userId: string, expiresAt: number): string {
    return this.jwt.sign(
      { typ: 'session', sub: userId, jti: sessionId, exp: Math.floor(expiresAt / 1000) },
      {
        secret: this.settings.sessionKey.export(),
        algorithm: 'HS256',
        keyid: this.settings.sessionKeyId,
        issuer: this.settings.issuer,
        audience: SESSION_AUDIENCE,
      },
    );
  }
}
