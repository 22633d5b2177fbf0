import { HttpException } from '@nestjs/common';
import { AuthFailureReason } from '../../audit/auth-failures';
import { InvalidTokenError } from '../../credentials/credential-errors';
import { StoreUnavailableError } from '../../falkordb/falkordb-errors';
import { AuthenticationResult } from '../../metrics/pat-metrics';
import { TokenIpNotAllowedError, TooManyAttemptsError } from '../auth-errors';

/**
 * The metrics result of a refused authentication: `revoked` for a credential the store knows was
 * revoked (or rotated away), `expired` whether the JWT or the record said so, `invalid` for any
 * other bad credential. Undefined for what is no verdict on a credential (a fault of ours).
 */
export function authenticationResultOf(error: unknown, jwtExpired: boolean, storeRefusal: AuthFailureReason | undefined): AuthenticationResult | undefined {
  if (error instanceof TooManyAttemptsError) return 'rate_limited';
  if (error instanceof TokenIpNotAllowedError) return 'ip_denied';
  if (error instanceof StoreUnavailableError) return 'store_unavailable';
  // A host subclass's handleRequest may throw its own 401 for a bad credential: still invalid.
  if (!(error instanceof InvalidTokenError)) return error instanceof HttpException && error.getStatus() === 401 ? 'invalid' : undefined;
  if (jwtExpired || storeRefusal === 'expired') return 'expired';
  if (storeRefusal === 'revoked' || storeRefusal === 'rotated') return 'revoked';
  return 'invalid';
}
