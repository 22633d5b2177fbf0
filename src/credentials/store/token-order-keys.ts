/**
 * The sort keys tokens are listed by, stored on every token so an index range can serve each sort.
 * Nulls get keys of their own, so every token has every key and keys stay integers:
 * - `expires_order`: `expires_at`, and for a token that never expires a key after every real expiry
 *   (never-expiring tokens come last in `expires_at` order, first in `-expires_at`, newest first among them);
 * - `last_used_order`: `last_used`, and for a token never used a key before every real use (never-used
 *   tokens count as used longest ago: first in `last_used` order, last in `-last_used`, oldest first among them).
 * `expires_before` and `last_used_before` filter with the same meaning: a never-expiring token
 * expires after any date, a never-used one was last used before any date.
 */

/** Past any real expiry (the year 2286) and further below zero than any real use: where the nulls' keys live. */
export const NULL_ORDER_OFFSET = 10_000_000_000_000;

export function expiresOrderOf(expiresAt: number | null, createdAt: number): number {
  return expiresAt ?? NULL_ORDER_OFFSET + createdAt;
}

export function lastUsedOrderOf(lastUsed: number | null, createdAt: number): number {
  return lastUsed ?? createdAt - NULL_ORDER_OFFSET;
}

/** Every key any of these can hold (inclusive): the range a listing reads windows of. */
export const ORDER_KEY_DOMAIN = { min: -2 * NULL_ORDER_OFFSET, max: 2 * NULL_ORDER_OFFSET };
