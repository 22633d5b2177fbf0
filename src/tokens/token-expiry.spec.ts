import { ValidationFailedError } from '../common/domain-errors';
import { resolveExpiry, ExpiryRequest } from './token-expiry';
import { TokenPolicy } from './tokens.options';

const DAY = 24 * 3600;
const POLICY: TokenPolicy = { maxTtlSeconds: 30 * DAY, allowNeverExpiring: true, maxActiveTokensPerUser: 100 };
/** 2025-01-01T12:00:00.250Z: not on a whole second, so flooring is visible. */
const NOW = Date.UTC(2025, 0, 1, 12, 0, 0, 250);

/** The per-field messages of the ValidationFailedError resolveExpiry throws. */
function rejection(request: ExpiryRequest, policy: TokenPolicy = POLICY): Record<string, string[]> {
  try {
    resolveExpiry(request, NOW, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).fields ?? {};
  }
  throw new Error(`resolveExpiry accepted ${JSON.stringify(request)}`);
}

describe('resolveExpiry', () => {
  describe('ttlSeconds', () => {
    it('expires ttlSeconds from now, floored to whole seconds', () => {
      expect(resolveExpiry({ ttlSeconds: 60 }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 1, 12, 1, 0, 0));
    });

    it('accepts exactly the maximum lifetime', () => {
      expect(resolveExpiry({ ttlSeconds: 30 * DAY }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 31, 12, 0, 0, 0));
    });

    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])('rejects %p', (ttlSeconds) => {
      expect(rejection({ ttlSeconds })).toEqual({ ttlSeconds: ['ttlSeconds must be a positive integer'] });
    });

    it('rejects a lifetime over the maximum', () => {
      expect(rejection({ ttlSeconds: 30 * DAY + 1 })).toEqual({
        ttlSeconds: [`ttlSeconds must not exceed ${30 * DAY} (the maximum token lifetime)`],
      });
      expect(rejection({ ttlSeconds: Number.MAX_SAFE_INTEGER })).toHaveProperty('ttlSeconds');
    });
  });

  describe('expiresAt', () => {
    it('is taken as given, floored to whole seconds', () => {
      expect(resolveExpiry({ expiresAt: '2025-01-02T00:00:00.999Z' }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 2));
      expect(resolveExpiry({ expiresAt: '2025-01-02T02:00:00+02:00' }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 2));
    });

    it('accepts the furthest allowed moment', () => {
      expect(resolveExpiry({ expiresAt: '2025-01-31T12:00:00Z' }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 31, 12));
    });

    it.each(['2024-12-31T12:00:00Z', '2025-01-01T12:00:00.900Z'])('rejects %s, which is not in the future once floored', (expiresAt) => {
      expect(rejection({ expiresAt })).toEqual({ expiresAt: ['expiresAt must be in the future'] });
    });

    it('rejects the impossible date 2025-13-45', () => {
      expect(rejection({ expiresAt: '2025-13-45T00:00:00Z' })).toEqual({ expiresAt: ['expiresAt must be an ISO 8601 date-time'] });
    });

    // Without an offset Date.parse would read the local time of whatever zone the server runs in.
    it.each(['2025-01-02T00:00:00', '2025-01-02', '2025-01-02T00:00Z', 'next tuesday', '', '2025-01-02T00:00:00+0200'])(
      'rejects "%s", which is not a date-time with a time zone',
      (expiresAt) => {
        expect(rejection({ expiresAt })).toEqual({ expiresAt: ['expiresAt must be a date-time with a time zone, e.g. 2025-12-24T12:00:00Z'] });
      },
    );

    it('rejects a moment past the maximum lifetime', () => {
      expect(rejection({ expiresAt: '2025-01-31T12:00:01Z' })).toEqual({
        expiresAt: [`expiresAt must be within ${30 * DAY} seconds from now (the maximum token lifetime)`],
      });
    });
  });

  it('treats null like an absent field (a client may echo back the expiresAt: null it was given)', () => {
    expect(resolveExpiry({ ttlSeconds: null, expiresAt: null }, NOW, POLICY)).toBeNull();
    expect(resolveExpiry({ ttlSeconds: 60, expiresAt: null }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 1, 12, 1, 0, 0));
    expect(resolveExpiry({ ttlSeconds: null, expiresAt: '2025-01-02T00:00:00Z' }, NOW, POLICY)).toBe(Date.UTC(2025, 0, 2));
    expect(rejection({ ttlSeconds: null, expiresAt: null }, { ...POLICY, allowNeverExpiring: false })).toHaveProperty('expiresAt');
  });

  it('rejects ttlSeconds together with expiresAt, naming both', () => {
    const message = 'give either ttlSeconds or expiresAt, not both';
    expect(rejection({ ttlSeconds: 60, expiresAt: '2025-01-02T00:00:00Z' })).toEqual({ ttlSeconds: [message], expiresAt: [message] });
  });

  it('gives a never-expiring token when neither is set and the policy allows it', () => {
    expect(resolveExpiry({}, NOW, POLICY)).toBeNull();
  });

  it('refuses a never-expiring token when the policy forbids it, but still honours a lifetime', () => {
    const mustExpire = { ...POLICY, allowNeverExpiring: false };
    expect(rejection({}, mustExpire)).toEqual({ expiresAt: ['tokens must expire: give ttlSeconds or expiresAt'] });
    expect(resolveExpiry({ ttlSeconds: 1 }, NOW, mustExpire)).toBe(Date.UTC(2025, 0, 1, 12, 0, 1));
  });
});
