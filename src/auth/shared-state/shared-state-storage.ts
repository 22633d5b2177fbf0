/** Injection token of the storage the instances of one deployment share their auth state through. */
export const SHARED_STATE_STORAGE = Symbol('SHARED_STATE_STORAGE');

/** A value and the milliseconds it has left before it expires (on the storage's clock). */
export interface ExpiringValue {
  value: string;
  remainingMs: number;
}

/**
 * Where failure windows (AttemptLimiter) and Admin confirmations (AdminRoleRecheck) are shared
 * by every instance of a deployment. The default keeps them next to the token graph in the token
 * store's FalkorDB (FalkorDbSharedStateStorage); a host may hand its own (AuthModule option
 * `sharedStateStorage`), as @nestjs/throttler takes a ThrottlerStorage.
 *
 * What it answers is never trusted for more than it is: a failure window can only make the limit
 * stricter, and an Admin confirmation counts only with its MAC (SharedAdminConfirmations). A
 * method may reject (storage down): each instance then keeps its state alone until it answers again.
 */
export interface SharedStateStorage {
  /**
   * Adds a failure at `now` (a unique entry) to the window under `key`, keeps only the newest
   * `limit`, lets the key expire `ttlMs` after this write, and answers the times of the failures
   * still in the window (after `now - windowMs`). Atomic for the key.
   */
  appendFailure(key: string, now: number, windowMs: number, limit: number, ttlMs: number): Promise<number[]>;
  /** The value under `key` with its remaining lifetime; undefined when there is none or it has no expiry. */
  readExpiring(key: string): Promise<ExpiringValue | undefined>;
  /** Sets `key` to `value`, expiring in `ttlMs`. */
  writeExpiring(key: string, value: string, ttlMs: number): Promise<void>;
}

/** Whether `value` has the methods of a SharedStateStorage (for validating a host's option). */
export function isSharedStateStorage(value: unknown): value is SharedStateStorage {
  if (typeof value !== 'object' || value === null) return false;
  const storage = value as Record<string, unknown>;
  return ['appendFailure', 'readExpiring', 'writeExpiring'].every((method) => typeof storage[method] === 'function');
}
