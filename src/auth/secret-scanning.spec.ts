import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { sign } from 'jsonwebtoken';
import { publishedPatPattern } from '../../test/support/secret-scanning-pattern';
import { AuthSettings } from './auth-settings';
import { JwtIssuer } from './jwt-issuer';
import { hasAcceptedType, jwtHeaderOf, PAT_JWT_TYPE } from './jwt-header';

/** The issuer with just the keys it signs with (two deployments' worth, so the key id varies). */
function issuerWith(secret: string, keyId: string): JwtIssuer {
  const settings = {
    patKey: createSecretKey(Buffer.from(secret)),
    patKeyId: keyId,
    sessionKey: createSecretKey(Buffer.from(`${secret}-session`)),
    sessionKeyId: keyId.replace('pat-', 'session-'),
    issuer: 'falkordb-pat',
  } as unknown as AuthSettings;
  return new JwtIssuer(new JwtService(), settings);
}

describe('tokens a secret scanner can recognise', () => {
  const pattern = publishedPatPattern();
  const issuers = [issuerWith('a'.repeat(48), 'pat-0a1b2c3d'), issuerWith('b'.repeat(48), 'pat-ffffffff')];

  it('matches every PAT, whatever its key, id, owner and expiry', () => {
    for (const issuer of issuers) {
      for (const expiresAt of [null, Date.now() + 60_000, Date.now() + 365 * 86_400_000]) {
        for (const tokenId of ['1796671599043-91f74b19', 'x']) {
          const token = issuer.signPat(tokenId, `user-${tokenId.length}`, expiresAt);
          expect(token).toMatch(pattern);
          expect(jwtHeaderOf(token)?.typ).toBe(PAT_JWT_TYPE);
          expect(hasAcceptedType('pat', token)).toBe(true);
          expect(hasAcceptedType('session', token)).toBe(false);
        }
      }
    }
  });

  it('never matches a session, a PAT minted before explicit typing, or another issuer\'s JWT', () => {
    const [issuer] = issuers;
    const session = issuer.signSession('session-1', 'user-1', Date.now() + 60_000);
    expect(session).not.toMatch(pattern);
    expect(hasAcceptedType('session', session)).toBe(true);
    const untyped = sign({ typ: 'pat', sub: 'user-1', jti: 't-1' }, 'a'.repeat(48), { algorithm: 'HS256', keyid: 'pat-0a1b2c3d' });
    expect(untyped).not.toMatch(pattern);
    // Still accepted as a PAT (minted before the change) until it expires.
    expect(hasAcceptedType('pat', untyped)).toBe(true);
    for (const foreign of [
      sign({ sub: 'someone' }, 'c'.repeat(48)),
      sign({ sub: 'someone' }, 'c'.repeat(48), { algorithm: 'HS512', header: { alg: 'HS512', typ: PAT_JWT_TYPE } }),
      sign({ sub: 'someone' }, 'c'.repeat(48), { header: { alg: 'HS256', typ: 'at+jwt' } }),
    ]) {
      expect(foreign).not.toMatch(pattern);
    }
  });

  it('refuses a header type a kind is never issued with', () => {
    const odd = sign({ typ: 'pat' }, 'a'.repeat(48), { header: { alg: 'HS256', typ: 'at+jwt' } });
    expect(hasAcceptedType('pat', odd)).toBe(false);
    expect(hasAcceptedType('pat', 'not-a-jwt')).toBe(false);
  });
});
