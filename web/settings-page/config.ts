/**
 * What the server tells the page, as `<meta name="falkordb-pat:...">` tags it renders into
 * index.html (no inline script: the CSP allows none).
 */
export interface PageConfig {
  /** Absolute path of the login/logout/tokens API on this origin, e.g. `/api/auth`. */
  apiPath: string;
  /** The FalkorDB server the sign-in form proposes. */
  host: string;
  port: string;
  tls: boolean;
  /** Whether "No expiration" may be offered. */
  allowNeverExpiring: boolean;
  /** Longest token lifetime the server accepts. */
  maxTtlSeconds: number;
  /** Active tokens expiring within this many days are marked "Expires soon" (the first expiry notice; 0 = none). */
  expiryNoticeDays: number;
  /** Whether the page request carried a session cookie (then the page checks it is still valid). */
  sessionCookiePresent: boolean;
}

/** The server's default first expiry notice, for a page rendered without the tag. */
const DEFAULT_EXPIRY_NOTICE_DAYS = 7;

function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="falkordb-pat:${name}"]`)?.content;
}

export function readPageConfig(): PageConfig {
  // The API link is relative to the page, so the page works under any prefix or proxy path.
  const apiPath = new URL(meta('api') ?? '../api/auth', window.location.href).pathname.replace(/\/+$/, '');
  const maxTtlSeconds = Number(meta('max-ttl-seconds'));
  // Number(undefined) is NaN, so a missing tag takes the default; "0" (notices off) is kept.
  const expiryNoticeDays = Number(meta('expiry-notice-days'));
  return {
    apiPath,
    host: meta('host') ?? 'localhost',
    port: meta('port') ?? '6379',
    tls: meta('tls') === 'true',
    allowNeverExpiring: meta('allow-never-expiring') !== 'false',
    maxTtlSeconds: Number.isFinite(maxTtlSeconds) && maxTtlSeconds > 0 ? maxTtlSeconds : 365 * 24 * 3600,
    expiryNoticeDays: Number.isFinite(expiryNoticeDays) && expiryNoticeDays >= 0 ? expiryNoticeDays : DEFAULT_EXPIRY_NOTICE_DAYS,
    sessionCookiePresent: meta('session') === 'present',
  };
}
