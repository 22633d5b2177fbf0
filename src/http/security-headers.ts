/**
 * Security headers, computed once: setting a fixed header object per response costs a fraction of
 * running helmet's middlewares each time. Which set a response gets depends on what it is.
 */

/** HSTS and nosniff: every response, whatever it holds (set before any route runs, and again by type). */
export const ALWAYS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
};

/**
 * Documents (the settings page, /docs, their scripts and styles): what helmet would set, with our
 * Content-Security-Policy.
 */
export const DOCUMENT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    // No upgrade-insecure-requests: plain-HTTP deployments (localhost, internal networks) must keep working.
  ].join(';'),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  ...ALWAYS_SECURITY_HEADERS,
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/**
 * JSON answers (the API, health, problem details): the headers OWASP's REST Security Cheat Sheet
 * lists for API responses, stricter than the document set where it matters (nothing may load or
 * frame a JSON answer); its `Cache-Control: no-store` goes only on answers that carry a token. The document-only
 * headers (opener policy, origin-keyed agent clusters, DNS prefetch, IE download and XSS filter
 * switches, Flash cross-domain policies) are left out: they govern pages, and every client would
 * parse them on every call for nothing.
 */
export const JSON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  ...ALWAYS_SECURITY_HEADERS,
  'x-frame-options': 'DENY',
};

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i;

/** The set for a response of this Content-Type: JSON gets the API set, anything else (or none) the document set. */
export function securityHeadersFor(contentType: unknown): Readonly<Record<string, string>> {
  return typeof contentType === 'string' && JSON_CONTENT_TYPE.test(contentType) ? JSON_SECURITY_HEADERS : DOCUMENT_SECURITY_HEADERS;
}
