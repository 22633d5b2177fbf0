import { UnauthorizedException } from '@nestjs/common';
import { InvalidTokenError } from '../../credentials/credential-errors';
import { StoreUnavailableError } from '../../falkordb/falkordb-errors';
import { TokenIpNotAllowedError, TooManyAttemptsError } from '../auth-errors';
import { authenticationResultOf } from './authentication-result';

describe('authenticationResultOf (the metrics result of a refused authentication)', () => {
  it.each([
    ['a rate limit', new TooManyAttemptsError(5), false, undefined, 'rate_limited'],
    ['an address outside allowedIps', new TokenIpNotAllowedError('203.0.113.9'), false, undefined, 'ip_denied'],
    ['the store down', new StoreUnavailableError(), false, undefined, 'store_unavailable'],
    ['an expired JWT', new InvalidTokenError(), true, undefined, 'expired'],
    ['an expired record', new InvalidTokenError(), false, 'expired', 'expired'],
    ['a revoked record', new InvalidTokenError(), false, 'revoked', 'revoked'],
    ['a rotated-away token', new InvalidTokenError(), false, 'rotated', 'revoked'],
    ['an unknown credential', new InvalidTokenError(), false, 'unknown_credential', 'invalid'],
    ['a bad signature', new InvalidTokenError(), false, undefined, 'invalid'],
    ["a host subclass's own 401", new UnauthorizedException(), false, undefined, 'invalid'],
    ['a fault of ours', new Error('boom'), false, undefined, undefined],
  ] as const)('%s -> %s', (_what, error, jwtExpired, storeRefusal, expected) => {
    expect(authenticationResultOf(error, jwtExpired, storeRefusal)).toBe(expected);
  });
});
