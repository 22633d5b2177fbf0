import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { JsonWebTokenError, TokenExpiredError } from '@nestjs/jwt';
import { AuthHarness } from '../../../test/support/auth-harness';
import { ForbiddenError } from '../../common/domain-errors';
import { StoreUnavailableError } from '../../falkordb/falkordb-errors';
import { InvalidTokenError } from '../../credentials/credential-errors';
import { AuthenticationRequiredError } from '../auth-errors';
import { newTokenId } from '../../tokens/token-id';
import { AuthSettings } from '../auth-settings';
import { Authenticated } from '../decorators/authenticated.decorator';
import { JwtIssuer } from '../jwt-issuer';
import { Principal } from '../../domain/principal';
import { CredentialWriter } from '../../credentials/credential-writer';
import { JwtAuthGuard } from './jwt-auth.guard';

const HOUR = 3600_000;
const USERNAME = 'pat_reader';

/** Handlers declared as the real controllers declare them. */
class Routes {
  @Authenticated()
  anyCredential(): void {}

  @Authenticated({ only: ['session'] })
  sessionOnly(): void {}

  @Authenticated({ only: ['pat'] })
  patOnly(): void {}
}

interface FakeRequest {
  method: string;
  ip: string;
  headers: Record<string, string>;
  user?: Principal;
}

describe('JwtAuthGuard', () => {
  let harness: AuthHarness;
  let guard: JwtAuthGuard;
  let credentialWriter: CredentialWriter;
  let settings: AuthSettings;
  let issuer: JwtIssuer;
  let userId: string;

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_guard', { username: USERNAME, password: 'reader-secret-pw', role: 'Read-Only' }, '7d'.repeat(32));
    guard = harness.get(JwtAuthGuard);
    credentialWriter = harness.get(CredentialWriter);
    settings = harness.get(AuthSettings);
    issuer = harness.get(JwtIssuer);
    userId = harness.userId;
  });

  afterAll(async () => {
    await harness?.close();
  });

  const storedPat = () => harness.storePat();
  const storedSession = () => harness.storeSession();

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const cookie = (token: string) => ({ cookie: `${settings.sessionCookieName}=${encodeURIComponent(token)}` });

  function contextFor(handler: keyof Routes, headers: Record<string, string>): { context: ExecutionContext; request: FakeRequest } {
    const request: FakeRequest = { method: 'GET', ip: '192.0.2.10', headers };
    return { context: new ExecutionContextHost([request, {}], Routes, Routes.prototype[handler]), request };
  }

  describe('handleRequest', () => {
    it('asks for authentication when no token was sent', () => {
      expect(() => guard.handleRequest(null, false, new Error('No auth token'))).toThrow(AuthenticationRequiredError);
    });

    it('says an expired token has expired', () => {
      const call = () => guard.handleRequest(null, false, new TokenExpiredError('jwt expired', new Date()));
      expect(call).toThrow(InvalidTokenError);
      expect(call).toThrow('The access token has expired');
    });

    it('rejects any other verification failure as an invalid token', () => {
      expect(() => guard.handleRequest(null, false, new JsonWebTokenError('invalid signature'))).toThrow(
        new InvalidTokenError('The access token is invalid, expired or revoked'),
      );
      expect(() => guard.handleRequest(null, false, undefined)).toThrow(InvalidTokenError);
    });

    it('passes domain errors through unchanged (e.g. store down -> 503)', () => {
      const storeDown = new StoreUnavailableError();
      expect(() => guard.handleRequest(storeDown, false, undefined)).toThrow(storeDown);
      const revoked = new InvalidTokenError('The session is invalid, expired or has been logged out');
      expect(() => guard.handleRequest(revoked, false, undefined)).toThrow(revoked);
    });

    it('lets an unexpected error through (a fault of ours is a 500, not a bad token)', () => {
      const fault = new Error('unexpected reply');
      expect(() => guard.handleRequest(fault, false, undefined)).toThrow(fault);
    });

    it('returns the authenticated principal', () => {
      const principal = { kind: 'pat', userId: 'user-1' };
      expect(guard.handleRequest(null, principal, undefined)).toBe(principal);
    });
  });

  describe('canActivate (real strategy and FalkorDB)', () => {
    it('authenticates a PAT and attaches its principal', async () => {
      const { tokenId, token } = await storedPat();
      const { context, request } = contextFor('anyCredential', bearer(token));
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(request.user).toMatchObject({ kind: 'pat', credentialId: tokenId, username: USERNAME, role: 'Read-Only' });
    });

    it('authenticates a session on a session-only route', async () => {
      const { sessionId, token } = await storedSession();
      const { context, request } = contextFor('sessionOnly', cookie(token));
      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(request.user).toMatchObject({ kind: 'session', credentialId: sessionId });
    });

    it('forbids a PAT on a session-only route (a PAT cannot mint PATs)', async () => {
      const { token } = await storedPat();
      const { context } = contextFor('sessionOnly', bearer(token));
      await expect(guard.canActivate(context)).rejects.toThrow(
        new ForbiddenError('This operation needs a browser session; a Personal Access Token cannot be used for it'),
      );
    });

    it('forbids a session on a PAT-only route', async () => {
      const { token } = await storedSession();
      const { context } = contextFor('patOnly', cookie(token));
      await expect(guard.canActivate(context)).rejects.toThrow(new ForbiddenError('This operation needs a Personal Access Token'));
    });

    it('asks for authentication when nothing was sent', async () => {
      const { context } = contextFor('anyCredential', {});
      await expect(guard.canActivate(context)).rejects.toThrow(AuthenticationRequiredError);
    });

    it('rejects an expired PAT, saying so', async () => {
      const expired = issuer.signPat(newTokenId(Date.now()), userId, Date.now() - HOUR);
      const { context } = contextFor('anyCredential', bearer(expired));
      await expect(guard.canActivate(context)).rejects.toThrow(new InvalidTokenError('The access token has expired'));
    });

    it('rejects a session token sent as a Bearer token (checked with the PAT key)', async () => {
      const { token } = await storedSession();
      const { context } = contextFor('anyCredential', bearer(token));
      await expect(guard.canActivate(context)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a PAT sent as the session cookie', async () => {
      const { token } = await storedPat();
      const { context } = contextFor('anyCredential', cookie(token));
      await expect(guard.canActivate(context)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a revoked PAT on the very next request', async () => {
      const { tokenId, token } = await storedPat();
      await expect(guard.canActivate(contextFor('anyCredential', bearer(token)).context)).resolves.toBe(true);
      await credentialWriter.revoke({ kind: 'pat', id: tokenId }, Date.now());
      await expect(guard.canActivate(contextFor('anyCredential', bearer(token)).context)).rejects.toThrow(InvalidTokenError);
    });
  });
});
