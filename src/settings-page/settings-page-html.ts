import { ServerAddress } from '../falkordb/server-address';

/** What the page needs to know about its server, rendered into `<meta>` tags (no inline script). */
export interface SettingsPageConfig {
  /** The login/logout/tokens API's route prefix, e.g. `api/auth` or a host's `v1/pat`. */
  authRoutePrefix: string;
  /** The FalkorDB server the sign-in form proposes (the service's configured one). */
  defaultServer: ServerAddress;
  /** Whether the token policy allows tokens without expiry ("No expiration" is offered only then). */
  allowNeverExpiring: boolean;
  /** Longest lifetime the policy allows (longer presets are not offered). */
  maxTtlSeconds: number;
  /** Active tokens expiring within this many days are marked (the first expiry notice threshold; 0 = none). */
  expiryNoticeDays: number;
  /** Whether the request carried a session cookie (the page then asks the API whether it is still valid). */
  sessionCookiePresent: boolean;
}

/** Marker in the built index.html where the configuration `<meta>` tags go. */
export const CONFIG_MARKER = '<!--falkordb-pat:config-->';
/** Placeholder in the built index.html for the URL of the assets folder. */
export const ASSETS_PLACEHOLDER = '%ASSETS%';

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * URLs relative to the document, so the page works under any global prefix or path-stripping
 * reverse proxy: from `/x/settings/tokens` the API `api/auth` is `../api/auth` and the assets are
 * `tokens/assets/...`; a request with a trailing slash (`/x/settings/tokens/`) gets one more `../`.
 */
export function relativeLinks(requestPath: string, pagePath: string, apiPrefix: string): { assets: string; api: string } {
  const segments = pagePath.split('/');
  const trailingSlash = requestPath.endsWith('/');
  const upSteps = trailingSlash ? segments.length : segments.length - 1;
  const toRoot = upSteps > 0 ? '../'.repeat(upSteps) : './';
  return {
    assets: trailingSlash ? './assets' : `${segments[segments.length - 1]}/assets`,
    api: toRoot + apiPrefix.replace(/^\/+|\/+$/g, ''),
  };
}

/** index.html with this request's links and the server's configuration. */
export function renderSettingsPage(template: string, requestPath: string, pagePath: string, config: SettingsPageConfig): string {
  const links = relativeLinks(requestPath, pagePath, config.authRoutePrefix);
  const meta: Record<string, string> = {
    'falkordb-pat:api': links.api,
    'falkordb-pat:host': config.defaultServer.host,
    'falkordb-pat:port': String(config.defaultServer.port),
    'falkordb-pat:tls': String(config.defaultServer.tls),
    'falkordb-pat:allow-never-expiring': String(config.allowNeverExpiring),
    'falkordb-pat:max-ttl-seconds': String(config.maxTtlSeconds),
    'falkordb-pat:expiry-notice-days': String(config.expiryNoticeDays),
    'falkordb-pat:session': config.sessionCookiePresent ? 'present' : 'absent',
  };
  const tags = Object.entries(meta)
    .map(([name, content]) => `<meta name="${name}" content="${escapeAttribute(content)}">`)
    .join('\n    ');
  return template.replace(CONFIG_MARKER, tags).split(ASSETS_PLACEHOLDER).join(escapeAttribute(links.assets));
}

/** Whether a Cookie header holds a (non-empty) cookie of that name. */
export function hasCookie(header: string | string[] | undefined, name: string): boolean {
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  return text.split(';').some((part) => {
    const separator = part.indexOf('=');
    return separator > 0 && part.slice(0, separator).trim() === name && part.slice(separator + 1).trim() !== '';
  });
}
