/**
 * When a use of a credential is written to the store. Authentication reads the record anyway;
 * whether a write is due is decided from that read, so most requests write nothing. The same
 * throttles are conditions inside the write itself, so several service instances together still
 * write at most that often.
 */

/** `last_used` (with the address and user agent of that use) is written at most this often (the announcement's 5 minutes). */
export const LAST_USED_WRITE_INTERVAL_MS = 5 * 60 * 1000;
/** A token seen from an address not among its recent ones is written at once, but at most this often. */
export const NEW_ADDRESS_WRITE_INTERVAL_MS = 60 * 1000;
/** Distinct addresses a token remembers, newest first. */
export const MAX_RECENT_IPS = 5;
/** Longest user agent kept (longer ones are cut). */
export const MAX_USER_AGENT_LENGTH = 200;

/** One authenticated request, as recorded: when, and from where (null when the request did not say). */
export interface CredentialUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

/** What the stored record says about earlier uses. */
export interface RecordedUse {
  lastUsed: number | null;
  recentIps: readonly string[];
  newIpAt: number | null;
}

/** Whether `use` comes from an address the token has not been seen from lately. */
export function isNewAddress(recorded: RecordedUse, use: CredentialUse): boolean {
  return use.ip !== null && !recorded.recentIps.includes(use.ip);
}

/**
 * Whether `use` is to be written: `last_used` is 5 minutes old (or never set), or, when addresses
 * are tracked (tokens), the address is new and no new address was recorded in the last minute.
 */
export function isUseWriteDue(recorded: RecordedUse, use: CredentialUse, tracksAddresses: boolean): boolean {
  if (recorded.lastUsed === null || use.at - recorded.lastUsed >= LAST_USED_WRITE_INTERVAL_MS) return true;
  return tracksAddresses && isNewAddress(recorded, use) && (recorded.newIpAt === null || use.at - recorded.newIpAt >= NEW_ADDRESS_WRITE_INTERVAL_MS);
}

/** The recent addresses after `use`: its address first, then the others, at most MAX_RECENT_IPS. */
export function recentIpsAfter(recentIps: readonly string[], ip: string | null): string[] {
  if (ip === null) return [...recentIps];
  return [ip, ...recentIps.filter((address) => address !== ip)].slice(0, MAX_RECENT_IPS);
}

/** A user agent header as stored: at most MAX_USER_AGENT_LENGTH characters (never a broken surrogate pair), null when absent. */
export function userAgentOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return null;
  if (value.length <= MAX_USER_AGENT_LENGTH) return value;
  return Array.from(value).slice(0, MAX_USER_AGENT_LENGTH).join('');
}
