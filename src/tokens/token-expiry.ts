import { ValidationFailedError } from '../common/domain-errors';
import { TokenPolicy } from './tokens.options';
import { DATE_TIME_WITH_OFFSET } from '../common/date-time-param';

/** null is the same as absent: a client may echo back the `expiresAt: null` ("never") it was given. */
export interface ExpiryRequest {
  ttlSeconds?: number | null;
  expiresAt?: string | null;
}

/** `expiresAt` must name its offset: without one, `Date.parse` would read it in the server's own time zone. */
export const DATE_TIME_WITH_OFFSET_MESSAGE = 'expiresAt must be a date-time with a time zone, e.g. 2025-12-24T12:00:00Z';

/**
 * When a new token expires (epoch ms, whole seconds, matching the JWT `exp`), or null for never.
 * At most one of ttlSeconds / expiresAt; both bounded by the policy's maximum lifetime.
 */
export function resolveExpiry(request: ExpiryRequest, now: number, policy: TokenPolicy): number | null {
  const ttlSeconds = request.ttlSeconds ?? undefined;
  const expiresAt = request.expiresAt ?? undefined;
  const latest = now + policy.maxTtlSeconds * 1000;
  if (ttlSeconds !== undefined && expiresAt !== undefined) {
    const message = 'give either ttlSeconds or expiresAt, not both';
    throw new ValidationFailedError({ ttlSeconds: [message], expiresAt: [message] });
  }
  if (ttlSeconds !== undefined) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw ValidationFailedError.forField('ttlSeconds', 'ttlSeconds must be a positive integer');
    }
    if (ttlSeconds > policy.maxTtlSeconds) {
      throw ValidationFailedError.forField('ttlSeconds', `ttlSeconds must not exceed ${policy.maxTtlSeconds} (the maximum token lifetime)`);
    }
    return Math.floor((now + ttlSeconds * 1000) / 1000) * 1000;
  }
  if (expiresAt !== undefined) {
    if (!DATE_TIME_WITH_OFFSET.test(expiresAt)) throw ValidationFailedError.forField('expiresAt', DATE_TIME_WITH_OFFSET_MESSAGE);
    const at = Date.parse(expiresAt);
    if (Number.isNaN(at)) throw ValidationFailedError.forField('expiresAt', 'expiresAt must be an ISO 8601 date-time');
    const rounded = Math.floor(at / 1000) * 1000;
    if (rounded <= now) throw ValidationFailedError.forField('expiresAt', 'expiresAt must be in the future');
    if (rounded > latest) {
      throw ValidationFailedError.forField('expiresAt', `expiresAt must be within ${policy.maxTtlSeconds} seconds from now (the maximum token lifetime)`);
    }
    return rounded;
  }
  if (!policy.allowNeverExpiring) {
    throw ValidationFailedError.forField('expiresAt', 'tokens must expire: give ttlSeconds or expiresAt');
  }
  return null;
}
