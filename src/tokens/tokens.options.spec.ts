import { DEFAULT_MAX_ACTIVE_TOKENS_PER_USER, DEFAULT_MAX_TTL_SECONDS, LONGEST_MAX_TTL_SECONDS, tokenPolicyOf } from './tokens.options';

describe('tokenPolicyOf', () => {
  it('fills in the defaults', () => {
    expect(tokenPolicyOf({})).toEqual({
      maxTtlSeconds: DEFAULT_MAX_TTL_SECONDS,
      allowNeverExpiring: true,
      maxActiveTokensPerUser: DEFAULT_MAX_ACTIVE_TOKENS_PER_USER,
    });
    expect(DEFAULT_MAX_TTL_SECONDS).toBe(365 * 24 * 3600);
  });

  it('keeps the values it is given', () => {
    expect(tokenPolicyOf({ maxTtlSeconds: 60, allowNeverExpiring: false, maxActiveTokensPerUser: 3 })).toEqual({
      maxTtlSeconds: 60,
      allowNeverExpiring: false,
      maxActiveTokensPerUser: 3,
    });
  });

  it.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, LONGEST_MAX_TTL_SECONDS + 1])('rejects maxTtlSeconds %p', (maxTtlSeconds) => {
    expect(() => tokenPolicyOf({ maxTtlSeconds })).toThrow(
      `Invalid TokensModule options: maxTtlSeconds must be an integer from 1 to ${LONGEST_MAX_TTL_SECONDS}`,
    );
  });

  it.each([0, -1, 0.5])('rejects maxActiveTokensPerUser %p', (maxActiveTokensPerUser) => {
    expect(() => tokenPolicyOf({ maxActiveTokensPerUser })).toThrow(
      'Invalid TokensModule options: maxActiveTokensPerUser must be an integer from 1 to 1000000',
    );
  });

  it('names both problems at once', () => {
    expect(() => tokenPolicyOf({ maxTtlSeconds: 0, maxActiveTokensPerUser: 0 })).toThrow(
      `maxTtlSeconds must be an integer from 1 to ${LONGEST_MAX_TTL_SECONDS}; maxActiveTokensPerUser must be an integer from 1 to 1000000`,
    );
  });
});
