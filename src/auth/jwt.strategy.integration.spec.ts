import { JwtService } from '@nestjs/jwt';
import { AuthHarness } from '../../test/support/auth-harness';
import { FalkorDbTestServer } from '../../test/support/falkordb-test-server';
import { fakeDateOnly } from '../../test/support/clock';
import { StoreUnavailableError } from '../falkordb/falkordb-errors';
import { InvalidTokenError } from '../credentials/credential-errors';
import { newTokenId } from '../tokens/token-id';
import { AuthSettings, PAT_AUDIENCE, SESSION_AUDIENCE } from './auth-settings';
import { IssuedClaims } from './jwt-claims';
import { JwtIssuer } from './jwt-issuer';
import { LAST_USED_WRITE_INTERVAL_MS } from '../credentials/credential-reader';
import { CredentialWriter } from '../credentials/credential-writer';
import { TokenRepository } from '../credentials/store/token.repository';
import { JwtStrategy } from './jwt.strategy';
import { extractCredential } from './request-credential';

const MINUTE = 60_000;
const USERNAME = 'pat_writer';

describe('JwtStrategy.validate (real FalkorDB)', () => {
  let harness: AuthHarness;
  let server: FalkorDbTestServer;
  let strategy: JwtStrategy;
  let issuer: JwtIssuer;
  let jwt: JwtService;
  let tokens: TokenRepository;
  let credentialWriter: CredentialWriter;
  let settings: AuthSettings;
  let userId: string;

  beforeAll(async () => {
    harness = await AuthHarness.start('unit_strategy', { username: USERNAME, password: 'writer-secret-pw', role: 'Read-Write' }, '5e'.repeat(32));
    server = harness.server;
    strategy = harness.get(JwtStrategy);
    issuer = harness.get(JwtIssuer);
    jwt = harness.get(JwtService);
    tokens = harness.get(TokenRepository);
    credentialWriter = harness.get(CredentialWriter);
    settings = harness.get(AuthSettings);
    userId = harness.userId;
  });

  afterAll(async () => {
    await harness?.close();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const storePat = (expiresAt: number | null = null) => harness.storePat(expiresAt);
  const storeSession = (expiresAt?: number) => harness.storeSession(expiresAt);

  /** A request carrying `token` as a PAT (Bearer) or a session (cookie), with the credential extracted. */
  function requestWith(kind: 'pat' | 'session', token: string): object {
    const request = {
      headers: kind === 'pat' ? { authorization: `Bearer ${token}` } : { cookie: `${settings.sessionCookieName}=${encodeURIComponent(token)}` },
    };
    extractCredential(request, settings.sessionCookieName);
    return request;
  }

  /** Runs validate as passport-jwt would: with the claims of the token on the request. */
  function validate(kind: 'pat' | 'session', token: string, claimOverrides: Partial<IssuedClaims> = {}) {
    return strategy.validate(requestWith(kind, token), { ...jwt.decode<IssuedClaims>(token), ...claimOverrides });
  }

  describe('PATs', () => {
    it('accepts an active token and returns its principal', async () => {
      const { tokenId, token } = await storePat();
      await expect(validate('pat', token)).resolves.toEqual({
        kind: 'pat',
        credentialId: tokenId,
        userId,
        username: USERNAME,
        host: 'localhost',
        port: server.port,
        tls: false,
        role: 'Read-Write',
        access: 'read-write',
        graphs: null,
        allowedIps: null,
        expiresAt: null,
      });
    });

    it('rejects a revoked token on the next request', async () => {
      const { tokenId, token } = await storePat();
      await expect(validate('pat', token)).resolves.toMatchObject({ credentialId: tokenId });
      await credentialWriter.revoke({ kind: 'pat', id: tokenId }, Date.now());
      await expect(validate('pat', token)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a validly signed token whose hash is not the stored one', async () => {
      const { tokenId } = await storePat();
      const forged = issuer.signPat(tokenId, userId, Date.now() + 60 * MINUTE);
      await expect(validate('pat', forged)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a token id that was never stored', async () => {
      const unknown = issuer.signPat(newTokenId(Date.now()), userId, null);
      await expect(validate('pat', unknown)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects claims for another user', async () => {
      const { token } = await storePat();
      await expect(validate('pat', token, { sub: 'user-someone-else' })).rejects.toThrow(InvalidTokenError);
    });

    it('rejects claims without a jti', async () => {
      const { token } = await storePat();
      await expect(validate('pat', token, { jti: undefined })).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a PAT sent as the session cookie (typ does not match where it came from)', async () => {
      const { token } = await storePat();
      await expect(validate('session', token)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects PAT claims carrying the session audience', async () => {
      const { token } = await storePat();
      await expect(validate('pat', token, { aud: SESSION_AUDIENCE })).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a token whose stored record has expired, even if the JWT has not been checked', async () => {
      const start = Date.now();
      const { token } = await storePat(start + 10 * MINUTE);
      fakeDateOnly(start);
      await expect(validate('pat', token)).resolves.toMatchObject({ kind: 'pat' });
      vi.setSystemTime(start + 10 * MINUTE);
      await expect(validate('pat', token)).rejects.toThrow(InvalidTokenError);
    });

    it('writes last_used at most once per 5 minutes', async () => {
      const start = Date.now();
      const { tokenId, token } = await storePat();
      const lastUsed = async () => (await tokens.findById(tokenId))?.lastUsed;
      expect(await lastUsed()).toBeNull();

      fakeDateOnly(start);
      await validate('pat', token);
      expect(await lastUsed()).toBe(start);

      vi.setSystemTime(start + LAST_USED_WRITE_INTERVAL_MS - 1);
      await validate('pat', token);
      expect(await lastUsed()).toBe(start);

      vi.setSystemTime(start + LAST_USED_WRITE_INTERVAL_MS);
      await validate('pat', token);
      expect(await lastUsed()).toBe(start + LAST_USED_WRITE_INTERVAL_MS);
      expect(LAST_USED_WRITE_INTERVAL_MS).toBe(5 * MINUTE);
    });
  });

  describe('sessions', () => {
    it('accepts an active session from its cookie', async () => {
      const { sessionId, token } = await storeSession();
      await expect(validate('session', token)).resolves.toEqual({
        kind: 'session',
        credentialId: sessionId,
        userId,
        username: USERNAME,
        host: 'localhost',
        port: server.port,
        tls: false,
        role: 'Read-Write',
        // A session has its user's whole reach.
        access: 'read-write',
        graphs: null,
        allowedIps: null,
        expiresAt: expect.any(Number),
      });
    });

    it('rejects a session after logout', async () => {
      const { sessionId, token } = await storeSession();
      await credentialWriter.revoke({ kind: 'session', id: sessionId }, Date.now());
      await expect(validate('session', token)).rejects.toThrow(
        new InvalidTokenError('The session is invalid, expired or has been logged out'),
      );
    });

    it('rejects a session token whose hash is not the stored one', async () => {
      const { sessionId } = await storeSession();
      const forged = issuer.signSession(sessionId, userId, Date.now() + 30 * MINUTE);
      await expect(validate('session', forged)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a session token sent as a Bearer PAT', async () => {
      const { token } = await storeSession();
      await expect(validate('pat', token)).rejects.toThrow(InvalidTokenError);
    });

    it('rejects session claims carrying the PAT audience', async () => {
      const { token } = await storeSession();
      await expect(validate('session', token, { aud: PAT_AUDIENCE })).rejects.toThrow(InvalidTokenError);
    });

    it('rejects a session whose stored record has expired', async () => {
      const start = Date.now();
      const { token } = await storeSession(start + 10 * MINUTE);
      fakeDateOnly(start + 10 * MINUTE);
      await expect(validate('session', token)).rejects.toThrow(InvalidTokenError);
    });
  });

  it('fails closed with StoreUnavailableError while FalkorDB is down', async () => {
    const { token } = await storePat();
    await server.stop();
    try {
      await expect(validate('pat', token)).rejects.toThrow(StoreUnavailableError);
    } finally {
      await server.startAgain();
    }
  });
});
