import { IssuedClaims } from './jwt-claims';
import { VerifiedSignatures } from './verified-signatures';

const claims = (exp?: number): IssuedClaims => ({ typ: 'pat', sub: 'user-1', jti: '1700000000000-00000000', iss: 'i', aud: 'a', iat: 1, ...(exp === undefined ? {} : { exp }) });

describe('VerifiedSignatures', () => {
  const now = 1_800_000_000_000;

  it('remembers a verified token by its exact text and kind only', () => {
    const signatures = new VerifiedSignatures(30);
    signatures.remember('pat', 'a.b.c', claims(), now);
    expect(signatures.claimsOf('pat', 'a.b.c', now + 1000)).toEqual(claims());
    expect(signatures.claimsOf('pat', 'a.b.d', now)).toBeUndefined();
    expect(signatures.claimsOf('session', 'a.b.c', now)).toBeUndefined();
  });

  it('forgets a token once it expires (after the leeway) and after five minutes in any case', () => {
    const signatures = new VerifiedSignatures(30);
    const exp = Math.floor(now / 1000) + 60;
    signatures.remember('pat', 'expiring', claims(exp), now);
    expect(signatures.claimsOf('pat', 'expiring', (exp + 29) * 1000)).toBeDefined();
    expect(signatures.claimsOf('pat', 'expiring', (exp + 30) * 1000)).toBeUndefined();
    signatures.remember('pat', 'never', claims(), now);
    // Remembering it again while in use does not push the deadline out.
    signatures.remember('pat', 'never', claims(), now + 60_000);
    expect(signatures.claimsOf('pat', 'never', now + 5 * 60 * 1000)).toBeUndefined();
  });
});
