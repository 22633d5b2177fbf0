import { credentialOf, extractCredential } from './request-credential';

const COOKIE = 'falkordb_session';

function requestWith(headers: Record<string, string | string[] | undefined>) {
  return { headers };
}

describe('extractCredential', () => {
  it('reads a PAT from Authorization: Bearer', () => {
    expect(extractCredential(requestWith({ authorization: 'Bearer abc.def.ghi' }), COOKIE)).toEqual({ kind: 'pat', token: 'abc.def.ghi' });
  });

  it.each(['bearer abc', 'BEARER abc', 'BeArEr   abc  '])('accepts the scheme case-insensitively: "%s"', (authorization) => {
    expect(extractCredential(requestWith({ authorization }), COOKIE)).toEqual({ kind: 'pat', token: 'abc' });
  });

  it('reads a session from its cookie', () => {
    expect(extractCredential(requestWith({ cookie: `${COOKIE}=sess.jwt.value` }), COOKIE)).toEqual({
      kind: 'session',
      token: 'sess.jwt.value',
    });
  });

  it('prefers Bearer when both a token and a session cookie are sent', () => {
    const request = requestWith({ authorization: 'Bearer pat-token', cookie: `${COOKIE}=session-token` });
    expect(extractCredential(request, COOKIE)).toEqual({ kind: 'pat', token: 'pat-token' });
  });

  it.each(['Basic dXNlcjpwdw==', 'Token abc', 'Bearer two words', 'Bearerabc'])(
    'falls back to the cookie when Authorization is not a Bearer token: "%s"',
    (authorization) => {
      const request = requestWith({ authorization, cookie: `${COOKIE}=session-token` });
      expect(extractCredential(request, COOKIE)).toEqual({ kind: 'session', token: 'session-token' });
    },
  );

  it('finds the session cookie among others and URL-decodes it', () => {
    const request = requestWith({ cookie: `theme=dark; other=1;${COOKIE}= a%2Bb%3Dc ; last=x` });
    expect(extractCredential(request, COOKIE)).toEqual({ kind: 'session', token: 'a+b=c' });
  });

  it('matches the cookie name exactly', () => {
    const request = requestWith({ cookie: `x${COOKIE}=nope; ${COOKIE}x=nope; ${COOKIE.toUpperCase()}=nope` });
    expect(extractCredential(request, COOKIE)).toBeUndefined();
  });

  it('uses the configured cookie name', () => {
    const request = requestWith({ cookie: `${COOKIE}=default; custom=mine` });
    expect(extractCredential(request, 'custom')).toEqual({ kind: 'session', token: 'mine' });
  });

  it.each([
    ['malformed percent-encoding', `${COOKIE}=%E0%A4%A`],
    ['an empty value', `${COOKIE}=`],
    ['a cookie without a value', COOKIE],
    ['no cookie header', undefined],
  ])('finds no credential for %s', (_name, cookie) => {
    const request = requestWith({ cookie });
    expect(extractCredential(request, COOKIE)).toBeUndefined();
    expect(credentialOf(request)).toBeUndefined();
  });

  it('reads the first value of a repeated header', () => {
    expect(extractCredential(requestWith({ authorization: ['Bearer first', 'Bearer second'] }), COOKIE)).toEqual({
      kind: 'pat',
      token: 'first',
    });
  });
});

describe('credentialOf', () => {
  it('returns what extractCredential found on the same request, and nothing for another', () => {
    const request = requestWith({ authorization: 'Bearer abc' });
    expect(credentialOf(request)).toBeUndefined();
    const found = extractCredential(request, COOKIE);
    expect(credentialOf(request)).toBe(found);
    expect(credentialOf(requestWith({ authorization: 'Bearer abc' }))).toBeUndefined();
  });
});
