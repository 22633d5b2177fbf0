type Headers = Record<string, string | string[] | undefined>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function originOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The request's Origin (or, lacking it, the Referer's origin), if any. */
export function originHeaderOf(headers: Headers): string | undefined {
  const origin = header(headers, 'origin');
  if (origin && origin !== 'null') return originOfUrl(origin);
  if (origin === 'null') return 'null';
  return originOfUrl(header(headers, 'referer'));
}

/**
 * CSRF defence for cookie-authenticated requests, on top of SameSite=Strict: the browser-supplied
 * Origin must be the service's own (same host as the Host header) or an explicitly trusted one.
 */
export function isTrustedOrigin(origin: string, headers: Headers, trustedOrigins: readonly string[]): boolean {
  if (trustedOrigins.includes(origin)) return true;
  const host = header(headers, 'host');
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
