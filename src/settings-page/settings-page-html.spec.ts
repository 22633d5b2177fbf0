import { hasCookie, relativeLinks, renderSettingsPage, SettingsPageConfig } from './settings-page-html';
import { resolveSettingsPageOptions } from './settings-page.options';

const CONFIG: SettingsPageConfig = {
  authRoutePrefix: 'api/auth',
  defaultServer: { host: 'db.internal', port: 6380, tls: true },
  allowNeverExpiring: false,
  maxTtlSeconds: 90 * 24 * 3600,
  expiryNoticeDays: 0.5,
  sessionCookiePresent: true,
};

describe('settings page links are relative to the page, so any global prefix or proxy path works', () => {
  it.each([
    ['/settings/tokens', 'settings/tokens', 'api/auth', { assets: 'tokens/assets', api: '../api/auth' }],
    ['/v1/settings/tokens', 'settings/tokens', 'api/auth', { assets: 'tokens/assets', api: '../api/auth' }],
    ['/settings/tokens/', 'settings/tokens', 'api/auth', { assets: './assets', api: '../../api/auth' }],
    ['/tokens', 'tokens', '/v1/pat/', { assets: 'tokens/assets', api: './v1/pat' }],
    ['/a/b/c', 'a/b/c', 'v1/pat', { assets: 'c/assets', api: '../../v1/pat' }],
  ])('%s (page %s, API %s)', (requestPath, pagePath, apiPrefix, expected) => {
    expect(relativeLinks(requestPath, pagePath, apiPrefix)).toEqual(expected);
  });

  it('resolve to the right absolute paths in a browser', () => {
    const links = relativeLinks('/v1/settings/tokens', 'settings/tokens', 'v1/pat');
    expect(new URL(links.api, 'http://h/v1/settings/tokens').pathname).toBe('/v1/v1/pat');
    expect(new URL(`${links.assets}/app.js`, 'http://h/v1/settings/tokens').pathname).toBe('/v1/settings/tokens/assets/app.js');
  });
});

describe('renderSettingsPage', () => {
  const template = '<head><!--falkordb-pat:config--><script type="module" src="%ASSETS%/app-ABCDEFGH.js"></script></head>';

  it('puts the configuration in meta tags and points at the assets', () => {
    const html = renderSettingsPage(template, '/settings/tokens', 'settings/tokens', CONFIG);
    expect(html).toContain('<meta name="falkordb-pat:api" content="../api/auth">');
    expect(html).toContain('<meta name="falkordb-pat:host" content="db.internal">');
    expect(html).toContain('<meta name="falkordb-pat:port" content="6380">');
    expect(html).toContain('<meta name="falkordb-pat:tls" content="true">');
    expect(html).toContain('<meta name="falkordb-pat:allow-never-expiring" content="false">');
    expect(html).toContain(`<meta name="falkordb-pat:max-ttl-seconds" content="${90 * 24 * 3600}">`);
    expect(html).toContain('<meta name="falkordb-pat:expiry-notice-days" content="0.5">');
    expect(html).toContain('<meta name="falkordb-pat:session" content="present">');
    expect(html).toContain('src="tokens/assets/app-ABCDEFGH.js"');
  });

  it('escapes what it puts in attributes', () => {
    const html = renderSettingsPage(template, '/settings/tokens', 'settings/tokens', { ...CONFIG, defaultServer: { host: '"><script>x</script>', port: 1, tls: false } });
    expect(html).toContain('content="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(html).not.toContain('<script>x');
  });
});

describe('hasCookie', () => {
  it.each([
    ['a=1; falkordb_session=abc', true],
    [['x=1', 'falkordb_session=abc'], true],
    ['falkordb_session=', false],
    ['other_falkordb_session=abc', false],
    [undefined, false],
  ])('%j -> %s', (header, expected) => {
    expect(hasCookie(header, 'falkordb_session')).toBe(expected);
  });
});

describe('resolveSettingsPageOptions', () => {
  it('is off unless asked for, at settings/tokens by default, without taking over /', () => {
    expect(resolveSettingsPageOptions(undefined)).toBeUndefined();
    expect(resolveSettingsPageOptions(false)).toBeUndefined();
    expect(resolveSettingsPageOptions(true)).toEqual({ path: 'settings/tokens', redirectRoot: false });
    expect(resolveSettingsPageOptions({ path: '/admin/tokens/', redirectRoot: true })).toEqual({ path: 'admin/tokens', redirectRoot: true });
  });

  it.each(['', '/', 'a//b', 'a/../b', 'tokens/:id', 'tokens/*', 'a b'])('refuses the path %j', (path) => {
    expect(() => resolveSettingsPageOptions({ path })).toThrow(/settingsPage\.path must be/);
  });
});
