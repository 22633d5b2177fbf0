import { isSharedStateStorage, SharedStateStorage } from './shared-state/shared-state-storage';
import { TOKEN_STORE_EXPOSURE_POLICIES, TokenStoreExposurePolicy } from '../credentials/token-store-exposure-policy';
import { ServerAddress } from '../falkordb/server-address';
import { EventWebhookOptions, eventWebhookProblems } from '../event-delivery/event-webhook.options';

export interface BruteForceOptions {
  /** Sliding window for counting failures. */
  windowSeconds: number;
  /** Failed logins / credential mints from one client address within the window. */
  maxLoginFailuresPerClient: number;
  /** Failed logins for one username (from anywhere) within the window. */
  maxLoginFailuresPerUsername: number;
  /** Rejections of one presented token or session cookie within the window; past it, that credential alone gets 429. */
  maxFailuresPerCredential: number;
  /**
   * Requests without any credential to protected routes from one client address within the
   * window; past it, credential-less requests from there get 429 (requests with a credential never do).
   */
  maxAnonymousFailuresPerClient: number;
  /** Reports of leaked tokens (POST /tokens/revoke-leaked) from one client address within the window. */
  maxLeakReportsPerClient: number;
}

export const DEFAULT_BRUTE_FORCE: BruteForceOptions = {
  windowSeconds: 15 * 60,
  maxLoginFailuresPerClient: 20,
  maxLoginFailuresPerUsername: 10,
  maxFailuresPerCredential: 20,
  // A CI fleet behind one NAT polling an endpoint without its token is still far below this.
  maxAnonymousFailuresPerClient: 5000,
  maxLeakReportsPerClient: 30,
};

/**
 * Where failure counters and Admin confirmations are kept. `falkordb`: in the token store's
 * FalkorDB (or the host's `sharedStateStorage`), shared by every instance of the service. `instance`: in each instance's memory only,
 * for a single instance (N instances would give an attacker N times the attempts).
 */
export type SharedStateMode = 'falkordb' | 'instance';

export const SHARED_STATE_MODES: readonly SharedStateMode[] = ['falkordb', 'instance'];
export const DEFAULT_SHARED_STATE: SharedStateMode = 'falkordb';

export interface AuthModuleOptions {
  /** HS256 secret that signs Personal Access Tokens (>= 32 characters). */
  jwtSecret: string;
  /**
   * Earlier PAT secrets, still accepted for verification after `jwtSecret` was rotated, so tokens
   * issued before the rotation keep working until they expire or are revoked.
   */
  previousJwtSecrets?: string[];
  /** HS256 secret that signs session tokens; must differ from `jwtSecret`. */
  sessionSecret: string;
  /** 64 hex characters: the AES-256-GCM key for stored FalkorDB passwords. */
  encryptionKey: string;
  /** FalkorDB servers users may name at login. Default: only the server the token store is on. */
  allowedServers?: ServerAddress[];
  /** Session lifetime. Default 8 hours. */
  sessionTtlSeconds?: number;
  /** Name of the httpOnly session cookie. Default `falkordb_session`. */
  sessionCookieName?: string;
  /** Adds `Secure` to the session cookie (set it behind HTTPS). Default false. */
  secureCookies?: boolean;
  /** `iss` claim of every JWT this service issues and accepts. Default `falkordb-pat`. */
  issuer?: string;
  /** Limits on failed attempts (429 past them). */
  bruteForce?: Partial<BruteForceOptions>;
  /** Where failure counters and Admin confirmations are kept (see SharedStateMode). Default `falkordb`. */
  sharedState?: SharedStateMode;
  /**
   * Shares them through this storage instead of the token store's FalkorDB (e.g. a Redis the
   * host's instances already share), as @nestjs/throttler takes a storage. Only with `falkordb` mode.
   */
  sharedStateStorage?: SharedStateStorage;
  /**
   * Origins (scheme://host[:port]) allowed to send cookie-authenticated state-changing requests,
   * besides the service's own origin. CSRF defence on top of SameSite=Strict.
   */
  trustedOrigins?: string[];
  /** Ended (expired or revoked) tokens and sessions are deleted this many days after they ended. Default 30. */
  tokenRetentionDays?: number;
  /** Audit events are deleted this many days after they happened. Default 90. */
  auditRetentionDays?: number;
  /** Live sessions one user may hold; a new login ends the oldest beyond it. Default 20. */
  maxSessionsPerUser?: number;
  /** How often ended credentials are purged (in small batches). Default 60000 ms. */
  purgeIntervalMs?: number;
  /**
   * When users other than admins can write the token store: `refuse` to start, `warn`, or
   * `accept`. Default `warn`; the standalone service refuses in production (TOKEN_STORE_EXPOSURE).
   */
  tokenStoreExposure?: TokenStoreExposurePolicy;
  /**
   * Days before a token expires at which a `token.expiring` event is recorded (once per token and
   * threshold; fractions allowed). Default [7, 1]; [] = no notices.
   */
  expiryNoticeDays?: number[];
  /** Active tokens not used for this many days (never used: since creation) are revoked as `unused`. Default: never. */
  revokeUnusedAfterDays?: number;
  /** How often expiry notices and unused tokens are looked for (one indexed scan each). Default 60 s. */
  lifecycleScanIntervalMs?: number;
  /**
   * Seconds after a rotation during which presenting the rotated-away token is only refused (401,
   * `auth.failed` with reason `rotated`), not taken as reuse: a retried rotation does not kill its
   * successor. Default 0 (any reuse revokes the successors).
   */
  rotationReuseGraceSeconds?: number;
  /** Audit events POSTed to a receiver (signed), from an outbox in the store. Default: none. */
  eventWebhook?: EventWebhookOptions;
}

export const DEFAULT_EXPIRY_NOTICE_DAYS: readonly number[] = [7, 1];
export const MAX_ROTATION_REUSE_GRACE_SECONDS = 3600;
export const DEFAULT_LIFECYCLE_SCAN_INTERVAL_MS = 60_000;

export const DEFAULT_TOKEN_RETENTION_DAYS = 30;
export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const DEFAULT_MAX_SESSIONS_PER_USER = 20;
export const DEFAULT_PURGE_INTERVAL_MS = 60_000;

export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3600;
export const DEFAULT_SESSION_COOKIE = 'falkordb_session';
export const DEFAULT_ISSUER = 'falkordb-pat';
/** Minimum secret length; HS256 keys shorter than the hash output weaken the signature. */
export const MIN_SECRET_LENGTH = 32;

export const MIN_SESSION_TTL_SECONDS = 60;
export const MAX_SESSION_TTL_SECONDS = 30 * 24 * 3600;

/** Throws one error listing every problem with the options. */
export function validateAuthOptions(options: AuthModuleOptions): void {
  const problems = authOptionProblems(options);
  if (problems.length) throw new Error(`Invalid AuthModule options: ${problems.join('; ')}`);
}

/** Every problem with the options, each starting with the option's name. */
export function authOptionProblems(options: AuthModuleOptions): string[] {
  const problems: string[] = [];
  if (typeof options.jwtSecret !== 'string' || options.jwtSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`jwtSecret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (typeof options.sessionSecret !== 'string' || options.sessionSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`sessionSecret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  for (const [index, previous] of (options.previousJwtSecrets ?? []).entries()) {
    if (typeof previous !== 'string' || previous.length < MIN_SECRET_LENGTH) {
      problems.push(`previousJwtSecrets[${index}] must be at least ${MIN_SECRET_LENGTH} characters`);
    } else if (previous === options.sessionSecret) {
      problems.push(`previousJwtSecrets[${index}] must differ from sessionSecret`);
    }
  }
  if (options.jwtSecret && options.jwtSecret === options.sessionSecret) {
    problems.push('sessionSecret must differ from jwtSecret');
  }
  if (typeof options.encryptionKey !== 'string' || !/^[0-9a-fA-F]{64}$/.test(options.encryptionKey)) {
    problems.push('encryptionKey must be 64 hex characters (32 bytes)');
  }
  const ttl = options.sessionTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < MIN_SESSION_TTL_SECONDS || ttl > MAX_SESSION_TTL_SECONDS)) {
    problems.push(`sessionTtlSeconds must be an integer from ${MIN_SESSION_TTL_SECONDS} to ${MAX_SESSION_TTL_SECONDS}`);
  }
  if (options.sessionCookieName !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(options.sessionCookieName)) {
    problems.push('sessionCookieName must be 1..64 of [A-Za-z0-9_-]');
  }
  const ranges: Array<[string, unknown, number, number]> = [
    ['tokenRetentionDays', options.tokenRetentionDays, 1, 36_500],
    ['auditRetentionDays', options.auditRetentionDays, 1, 36_500],
    ['maxSessionsPerUser', options.maxSessionsPerUser, 1, 10_000],
    ['purgeIntervalMs', options.purgeIntervalMs, 1000, 86_400_000],
  ];
  for (const [name, value, min, max] of ranges) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
    }
  }
  if (options.tokenStoreExposure !== undefined && !TOKEN_STORE_EXPOSURE_POLICIES.includes(options.tokenStoreExposure)) {
    problems.push(`tokenStoreExposure must be one of ${TOKEN_STORE_EXPOSURE_POLICIES.join(', ')}`);
  }
  if (options.sharedState !== undefined && !SHARED_STATE_MODES.includes(options.sharedState)) {
    problems.push(`sharedState must be one of ${SHARED_STATE_MODES.join(', ')}`);
  }
  if (options.sharedStateStorage !== undefined) {
    if (!isSharedStateStorage(options.sharedStateStorage)) problems.push('sharedStateStorage must have the methods appendFailure, readExpiring and writeExpiring');
    else if (options.sharedState === 'instance') problems.push("sharedStateStorage is never used with sharedState 'instance': drop one of them");
  }
  if (options.expiryNoticeDays !== undefined) {
    const days = options.expiryNoticeDays;
    if (!Array.isArray(days) || !days.every((day) => typeof day === 'number' && Number.isFinite(day) && day > 0 && day <= 3650)) {
      problems.push('expiryNoticeDays must be a list of numbers of days from above 0 to 3650 (fractions allowed)');
    } else if (new Set(days).size !== days.length) problems.push('expiryNoticeDays must not repeat a threshold');
  }
  const unused = options.revokeUnusedAfterDays;
  // Uses are recorded at most every 5 minutes: a window shorter than a day would revoke tokens in use.
  if (unused !== undefined && (typeof unused !== 'number' || !Number.isFinite(unused) || unused < 1 || unused > 36_500)) {
    problems.push('revokeUnusedAfterDays must be a number of days from 1 to 36500');
  }
  const scan = options.lifecycleScanIntervalMs;
  if (scan !== undefined && (!Number.isInteger(scan) || scan < 1000 || scan > 86_400_000)) problems.push('lifecycleScanIntervalMs must be an integer from 1000 to 86400000');
  const grace = options.rotationReuseGraceSeconds;
  // Longer would let whoever rotated a stolen token first keep its successor that long unchallenged.
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > MAX_ROTATION_REUSE_GRACE_SECONDS)) {
    problems.push(`rotationReuseGraceSeconds must be an integer from 0 to ${MAX_ROTATION_REUSE_GRACE_SECONDS}`);
  }
  if (options.eventWebhook !== undefined) {
    problems.push(...eventWebhookProblems(options.eventWebhook));
    const { secret } = options.eventWebhook;
    // The receiver holds this secret: one that signs tokens or seals passwords would hand it those.
    if ([options.jwtSecret, options.sessionSecret, options.encryptionKey, ...(options.previousJwtSecrets ?? [])].includes(secret)) {
      problems.push('eventWebhook.secret must differ from jwtSecret, sessionSecret, previousJwtSecrets and encryptionKey');
    }
  }
  for (const [name, value] of Object.entries(options.bruteForce ?? {})) {
    if (!Number.isInteger(value) || (value) <= 0) problems.push(`bruteForce.${name} must be a positive integer`);
  }
  return problems;
}
