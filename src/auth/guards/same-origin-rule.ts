import { ForbiddenError } from '../../common/domain-errors';
import { Principal } from '../../domain/principal';
import { isStateChanging, isTrustedOrigin, originHeaderOf } from '../csrf-origin';

interface RequestHeaders {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * CSRF defence on top of SameSite=Strict: a cookie-authenticated (session) request that changes
 * state needs an Origin (or Referer) of the service itself or of a trusted origin. A PAT is never
 * sent by a browser on its own, so it needs none.
 */
export function assertSameOriginSession(request: RequestHeaders, principal: Pick<Principal, 'kind'>, trustedOrigins: readonly string[]): void {
  if (principal.kind !== 'session' || !isStateChanging(request.method)) return;
  const origin = originHeaderOf(request.headers);
  if (!origin || !isTrustedOrigin(origin, request.headers, trustedOrigins)) {
    throw new ForbiddenError('Cross-site request refused: a session request that changes state needs a same-origin Origin header');
  }
}
