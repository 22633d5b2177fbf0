import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Browser, BrowserContext, chromium, ConsoleMessage, Locator, Page } from 'playwright-core';
import { FalkorDbPatModule } from '../src';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TEST_SECRETS, TestApp } from './support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
/** Debian's chromium (scripts/install-browser.sh installs it); playwright-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every step, for people (gitignored). */
const ARTIFACTS = join(__dirname, 'artifacts', 'settings-page');
/** `UPDATE_DOCS_SCREENSHOT=1 npx vitest run test/settings-page.e2e-spec.ts` refreshes the README's picture. */
const DOCS_SCREENSHOT = join(ROOT, 'docs', 'settings-page.png');

/**
 * The browser's own log line for a response with an error status. Expected, and so allowed, only
 * for the refused login (wrong password) and the API calls made after the session was ended on
 * purpose; any other console error fails the test.
 */
const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of 401/;
const DAY_SECONDS = 24 * 3600;
/** The short id the list shows under a name: the token id's last 8 characters (its random part). */
const shortIdOf = (tokenId: string) => `…${tokenId.slice(-8)}`;

interface Logged {
  text: string;
  url: string;
}

/**
 * The announcement's "Method 1: Browser UI", driven like a person would with headless Chromium
 * (playwright-core + Debian's chromium) against the standalone service on a real FalkorDB, under
 * the service's real Content-Security-Policy. Each step depends on the one before: one page, in order.
 */
describe('Settings › Personal Access Tokens page (browser e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: Logged[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  /** Set while a step expects 401 responses (a wrong password, an ended session). */
  let expecting401 = false;
  let shot = 0;

  const screenshot = async (name: string, target: Page | Locator = page): Promise<string> => {
    const file = join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
    await target.screenshot({ path: file, animations: 'disabled' });
    return file;
  };
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers } });
  const signIn = async (user: { username: string; password: string }) => {
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal Access Tokens', exact: true }).waitFor();
  };
  /** The rows of the tokens named `name` (the row header also holds the token's short id). */
  const rowOf = (target: Page, name: string) =>
    target.getByRole('row').filter({ has: target.getByRole('rowheader').filter({ has: target.getByText(name, { exact: true }) }) });
  const row = (name: string) => rowOf(page, name);
  const cell = (name: string, label: 'State' | 'Expires') => row(name).locator(`td[data-label="${label}"]`);
  /** What happens when the person comes back to the tab: the events a browser fires then. */
  const returnToTab = (event: 'focus' | 'visibilitychange') =>
    page.evaluate(event === 'focus' ? "window.dispatchEvent(new Event('focus'))" : "document.dispatchEvent(new Event('visibilitychange'))");
  const dialog = () => page.getByRole('dialog').or(page.getByRole('alertdialog'));
  // Page-side expressions are strings: this project's TypeScript has no DOM types.
  /** Reloads the list (by switching the state filter) until the token's "Last used" is filled in: usage is recorded on its own time. */
  const showsLastUse = async (name: string) => {
    const lastUsed = row(name).locator('td[data-label="Last used"]');
    for (let attempt = 0; !/just now|minute/.test((await lastUsed.textContent()) ?? ''); attempt++) {
      if (attempt === 20) throw new Error(`"${name}" never showed its last use`);
      await page.getByLabel('State').selectOption({ label: 'All' });
      await page.getByLabel('State').selectOption({ label: 'Active' });
      await row(name).waitFor();
      await page.waitForTimeout(100);
    }
  };
  const hasNoHorizontalScroll = () => page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
  /** A token of the writer (the admin sees them all), made the API way; no ttlSeconds = never expires. */
  const mint = async (name: string, ttlSeconds?: number) => {
    const minted = await fetch(`${baseUrl}/api/auth/tokens/credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: TEST_USERS.writer.username,
        password: TEST_USERS.writer.password,
        host: '127.0.0.1',
        port: server.port,
        name,
        ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
        permissions: { access: 'read' },
      }),
    });
    expect(minted.status).toBe(201);
    return ((await minted.json()) as { token: string }).token;
  };
  /** Revokes a token behind the page's back, with the token itself (no body, so no Content-Type: Fastify refuses an empty JSON body). */
  const revokeItself = async (token: string) => {
    expect((await fetch(`${baseUrl}/api/auth/tokens/self`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  };

  let firstToken: string;
  let rotatedToken: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No browser at ${CHROMIUM}: run \`bash scripts/install-browser.sh\` (Debian's chromium), or set CHROMIUM_PATH`);
    }
    await mkdir(ARTIFACTS, { recursive: true });
    // The page as `npm run build` makes it (generated API types, type check, bundle); the service reads it at startup.
    const started = Date.now();
    await run(process.execPath, [join(ROOT, 'scripts', 'build-settings-page.mjs')], { cwd: ROOT, timeout: 120_000 });
    console.log(`settings page built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    server = await FalkorDbTestServer.start();
    await server.command(['GRAPH.QUERY', 'social', "CREATE (:Person {name: 'Alice'})"]);
    // Notices at 3 days and half a day: the page marks tokens from the first (largest), not the default 7.
    app = await startTestApp({ FALKORDB_URL: server.url, EXPIRY_NOTICE_DAYS: '3,0.5' });
    await app.app.listen(0, '127.0.0.1');
    baseUrl = (await app.app.getUrl()).replace('[::1]', '127.0.0.1');

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseUrl });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    // CSP violations as the page sees them (the event), besides the console's "Refused to ..." lines.
    await context.exposeBinding('reportCspViolation', (_source, text: string) => void cspViolations.push(text));
    await context.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI));",
    });
    page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const logged = { text: message.text(), url: message.location().url };
      if (expecting401 && FAILED_RESOURCE.test(logged.text)) return;
      consoleErrors.push(logged);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    // A browser slow to exit on a loaded machine must not keep the service and FalkorDB running.
    await Promise.race([browser?.close(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    await app?.close();
    await server?.destroy();
  }, 120_000);

  afterEach(() => {
    // Checked after every step, so a failure names the step that caused it.
    expect({ consoleErrors, cspViolations, pageErrors }).toEqual({ consoleErrors: [], cspViolations: [], pageErrors: [] });
  });

  it('is served at /settings/tokens (/ redirects there) with its assets, under the service CSP', async () => {
    const index = await fetch(`${baseUrl}/settings/tokens`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    expect(html).toContain('<meta name="falkordb-pat:api" content="../api/auth">');
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const script = /src="(tokens\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${baseUrl}/settings/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${baseUrl}/settings/tokens/assets/nope.js`)).status).toBe(404);
    const root = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect({ status: root.status, location: root.headers.get('location') }).toEqual({ status: 302, location: 'settings/tokens' });

    await page.goto('/');
    await expect(page.title()).resolves.toContain('Personal Access Tokens');
    expect(new URL(page.url()).pathname).toBe('/settings/tokens');
  });

  it('signs in: a wrong password shows the problem in an alert, then the right one opens the token page', async () => {
    await expect(page.getByLabel('Host').inputValue()).resolves.toBe('127.0.0.1');
    await expect(page.getByLabel('Port').inputValue()).resolves.toBe(String(server.port));
    await expect(page.getByRole('checkbox', { name: 'TLS' }).isChecked()).resolves.toBe(false);

    expecting401 = true;
    await page.getByLabel('Username').fill(TEST_USERS.reader.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(/invalid username or password/i);
    await screenshot('sign-in-refused');
    expecting401 = false;

    await signIn(TEST_USERS.reader);
    await expect(page.getByRole('columnheader', { name: 'User' }).count()).resolves.toBe(0);
    await screenshot('signed-in-reader');
  });

  it('generates a read-only token, shows it once and copies it to the clipboard', async () => {
    await page.getByRole('button', { name: 'Generate token' }).click();
    const generate = dialog();
    await generate.waitFor();
    await generate.getByLabel('Name').fill('CI read token');
    const expiration = generate.getByLabel('Expiration', { exact: true });
    await expect(expiration.locator('option').allTextContents()).resolves.toEqual(['30 days', '60 days', '90 days', 'Custom date', 'No expiration']);
    await expiration.selectOption({ label: 'Custom date' });
    await expect(generate.getByLabel('Expiration date').isVisible()).resolves.toBe(true);
    await expiration.selectOption({ label: '30 days' });
    // A Read-Only user is offered read-only access only.
    await expect(generate.getByLabel('Access').locator('option').allTextContents()).resolves.toEqual(['Read only']);
    await generate.getByLabel('Graphs').fill('social, reports_*');
    await screenshot('generate-dialog');
    await generate.getByRole('button', { name: 'Generate', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'Token generated' });
    await shown.waitFor();
    await expect(shown.textContent()).resolves.toMatch(/will not be shown again/);
    firstToken = await shown.getByLabel('New token').inputValue();
    expect(firstToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(shown.getByLabel('New token').getAttribute('readonly')).resolves.not.toBeNull();
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(firstToken);
    await screenshot('token-shown-once');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const created = row('CI read token');
    await created.waitFor();
    await expect(created.textContent()).resolves.toMatch(/Read only.*Graphs: social, reports_\*/);
  });

  it('the copied token works on the API (200), reads its graph and cannot write (403)', async () => {
    const self = await api('/api/auth/tokens/self', firstToken);
    expect(self.status).toBe(200);
    expect(((await self.json()) as { token: { name: string; permissions: unknown } }).token).toMatchObject({
      name: 'CI read token',
      permissions: { access: 'read', graphs: ['social', 'reports_*'] },
    });
    const query = (text: string) => api('/api/graph/social/query', firstToken, { method: 'POST', body: JSON.stringify({ query: text }) });
    const read = await query('MATCH (p:Person) RETURN p.name AS name');
    expect({ status: read.status, rows: ((await read.json()) as { rows?: unknown }).rows }).toEqual({ status: 200, rows: [['Alice']] });
    expect((await query("CREATE (:Person {name: 'Mallory'})")).status).toBe(403);
  });

  it('rotates it: the new token is shown once and works', async () => {
    // The list shows when the token was last used once the page reloads it.
    await showsLastUse('CI read token');

    await row('CI read token').getByRole('button', { name: 'Rotate CI read token' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Rotate token?' });
    await confirm.waitFor();
    // Reuse detection: the old token used once more revokes the new one too; the dialog says so before, and after.
    await expect(confirm.textContent()).resolves.toContain('Replace the old token everywhere now: one more use of it revokes the new token too.');
    await screenshot('rotate-confirmation');
    await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();
    const shown = page.getByRole('dialog', { name: 'Token rotated' });
    await shown.waitFor();
    await shown.getByText('Replace the old token everywhere now: one more use of it revokes this new token too.').waitFor();
    rotatedToken = await shown.getByLabel('New token').inputValue();
    expect(rotatedToken).not.toBe(firstToken);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    expect((await api('/api/auth/tokens/self', rotatedToken)).status).toBe(200);
    await expect(row('CI read token').count()).resolves.toBe(1);
  });

  it('revokes it after a confirmation: the row is gone, the token is refused, and so is the rotated-away one', async () => {
    await row('CI read token').getByRole('button', { name: 'Revoke CI read token' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke token?' });
    await confirm.waitFor();
    await screenshot('revoke-confirmation');
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await row('CI read token').waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Token “CI read token” revoked.').waitFor();

    expect((await api('/api/auth/tokens/self', rotatedToken)).status).toBe(401);
    // Checked last: presenting a rotated-away token also revokes its successors (reuse detection).
    expect((await api('/api/auth/tokens/self', firstToken)).status).toBe(401);
  });

  it('signs out, and an admin signing in sees the "User" column', async () => {
    // Another user's token, made with credentials (the API way) and used once, for the admin to see.
    const minted = await fetch(`${baseUrl}/api/auth/tokens/credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: TEST_USERS.writer.username,
        password: TEST_USERS.writer.password,
        host: '127.0.0.1',
        port: server.port,
        name: 'Grafana dashboard',
        ttlSeconds: 90 * 24 * 3600,
        permissions: { access: 'read', graphs: ['sales_*'] },
        allowedIps: ['127.0.0.1'],
      }),
    });
    expect(minted.status).toBe(201);
    expect((await api('/api/graph', ((await minted.json()) as { token: string }).token)).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();

    await signIn(TEST_USERS.admin);
    await page.getByRole('button', { name: 'Generate token' }).click();
    await dialog().getByLabel('Name').fill('Nightly backup');
    await expect(dialog().getByLabel('Access').locator('option').allTextContents()).resolves.toEqual(['Read and write', 'Read only']);
    // A custom date: the token ends with that (local) day.
    const in45Days = new Date(Date.now() + 45 * 24 * 3600 * 1000);
    const day = `${in45Days.getFullYear()}-${String(in45Days.getMonth() + 1).padStart(2, '0')}-${String(in45Days.getDate()).padStart(2, '0')}`;
    await dialog().getByLabel('Expiration', { exact: true }).selectOption({ label: 'Custom date' });
    await dialog().getByLabel('Expiration date').fill(day);
    await dialog().getByRole('button', { name: 'Generate', exact: true }).click();
    await page.getByRole('dialog', { name: 'Token generated' }).getByRole('button', { name: 'Done' }).click();
    const expires = await row('Nightly backup').locator('td[data-label="Expires"] time').getAttribute('datetime');
    expect(new Date(expires ?? '').getTime()).toBe(new Date(`${day}T23:59:59`).getTime());

    await page.getByRole('columnheader', { name: 'User' }).waitFor();
    const backup = row('Nightly backup');
    await backup.waitFor();
    await expect(backup.getByRole('cell').first().textContent()).resolves.toContain(TEST_USERS.admin.username);
    await expect(row('Grafana dashboard').getByRole('cell').first().textContent()).resolves.toContain(TEST_USERS.writer.username);
    await showsLastUse('Grafana dashboard');
    await screenshot('signed-in-admin');
    if (process.env.UPDATE_DOCS_SCREENSHOT) {
      const main = await page.locator('main').boundingBox();
      await mkdir(join(ROOT, 'docs'), { recursive: true });
      await page.screenshot({ path: DOCS_SCREENSHOT, animations: 'disabled', clip: { x: 0, y: 0, width: 1280, height: Math.ceil((main?.y ?? 0) + (main?.height ?? 800)) } });
    }
  });

  it('marks tokens within the first expiry notice (3 days here) and shows expiry as relative time, the exact date on hover', async () => {
    const html = await (await fetch(`${baseUrl}/settings/tokens`)).text();
    expect(html).toContain('<meta name="falkordb-pat:expiry-notice-days" content="3">');
    await mint('Deploy key', 2 * DAY_SECONDS);
    await mint('Staging key', 5 * DAY_SECONDS); // within the default 7 days, but not within this server's 3
    await mint('Monthly export', 30 * DAY_SECONDS);
    await mint('Build agent');
    // Would be marked if it were still active.
    await revokeItself(await mint('Old deploy key', 2 * DAY_SECONDS));
    await page.getByLabel('State').selectOption({ label: 'All' });
    await page.getByLabel('State').selectOption({ label: 'Active' });
    await row('Build agent').waitFor();

    const deploy = row('Deploy key');
    await expect(deploy.getAttribute('data-expiring')).resolves.toBe('true');
    await deploy.getByText('Expires soon', { exact: true }).waitFor();
    const time = deploy.locator('td[data-label="Expires"] time');
    const expiresAt = (await time.getAttribute('datetime')) ?? '';
    expect(Math.abs(new Date(expiresAt).getTime() - (Date.now() + 2 * 24 * 3600 * 1000))).toBeLessThan(5 * 60_000);
    // The exact date and time as the page's own locale writes it: on hover (title), and as text for screen readers.
    const exact = await page.evaluate<string>(
      `new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(${JSON.stringify(expiresAt)}))`,
    );
    expect(exact).toContain(String(new Date(expiresAt).getFullYear()));
    await expect(time.getAttribute('title')).resolves.toBe(exact);
    await expect(time.textContent()).resolves.toBe(`in 2 days (${exact})`);
    await expect(time.innerText()).resolves.toMatch(/^in 2 days/);

    for (const [name, relative] of [
      ['Staging key', /^in 5 days \(/],
      ['Monthly export', /^(in (30 days|1 month)|next month) \(/],
      ['Nightly backup', /^in (45 days|2 months) \(/],
    ] as const) {
      await expect(row(name).getAttribute('data-expiring'), name).resolves.toBeNull();
      await expect(row(name).getByText('Expires soon').count(), name).resolves.toBe(0);
      await expect(row(name).locator('td[data-label="Expires"] time').textContent(), name).resolves.toMatch(relative);
    }
    await expect(row('Build agent').getAttribute('data-expiring')).resolves.toBeNull();
    await expect(row('Build agent').locator('td[data-label="Expires"]').textContent()).resolves.toBe('Never');
    await expect(page.locator('tr[data-expiring="true"]').count()).resolves.toBe(1);
    await screenshot('expiring-soon', page.locator('table.tokens'));

    // A revoked token is not marked, however close its expiry.
    await page.getByLabel('State').selectOption({ label: 'All' });
    const revoked = row('Old deploy key');
    await revoked.getByText('Revoked', { exact: true }).waitFor();
    await expect(revoked.getAttribute('data-expiring')).resolves.toBeNull();
    await expect(page.locator('tr[data-expiring="true"]').count()).resolves.toBe(1);
    await page.getByLabel('State').selectOption({ label: 'Active' });
    await revoked.waitFor({ state: 'detached' });
  });

  it("shows where a token was last used and follows next_cursor (the contract's v2 listing fields, simulated until the server sends them)", async () => {
    const queries: URLSearchParams[] = [];
    await page.route(/\/api\/auth\/tokens\?/, async (route) => {
      const url = new URL(route.request().url());
      queries.push(new URLSearchParams(url.search));
      const cursor = url.searchParams.get('cursor');
      url.searchParams.delete('cursor');
      const response = await route.fetch({ url: url.href });
      const body = (await response.json()) as { tokens: { name: string }[] };
      const tokens = body.tokens.map((token) =>
        token.name === 'Grafana dashboard'
          ? { ...token, last_used_ip: '203.0.113.7', last_used_user_agent: 'Grafana/11.2 (linux)', recent_ips: ['203.0.113.7', '198.51.100.4'] }
          : token,
      );
      await route.fulfill({ response, json: cursor ? { ...body, tokens: [], next_cursor: null } : { ...body, tokens, next_cursor: 'page-2' } });
    });
    try {
      await page.getByLabel('State').selectOption({ label: 'All' });
      const grafana = row('Grafana dashboard');
      await grafana.getByText('from 203.0.113.7').click();
      await grafana.getByText('Grafana/11.2 (linux)').waitFor();
      await grafana.getByText('198.51.100.4').waitFor();
      await expect(grafana.locator('td[data-label="Last used"] time').getAttribute('title')).resolves.toContain('User agent: Grafana/11.2 (linux)');
      await screenshot('last-used-details');

      const listing = () => page.waitForResponse((response) => /\/api\/auth\/tokens\?/.test(response.url()));
      await Promise.all([listing(), page.getByRole('button', { name: 'Next page' }).click()]);
      await page.getByText('Page 2').waitFor();
      await grafana.waitFor({ state: 'detached' });
      expect(queries[queries.length - 1].get('cursor')).toBe('page-2');
      await Promise.all([listing(), page.getByRole('button', { name: 'Previous page' }).click()]);
      await grafana.waitFor();
      expect(queries[queries.length - 1].get('cursor')).toBeNull();
    } finally {
      await page.unroute(/\/api\/auth\/tokens\?/);
    }
    await page.getByLabel('State').selectOption({ label: 'Active' });
    await row('Nightly backup').waitFor();

    // The name filter (the server's `name` where openapi.json has it, else on the page), case-insensitive.
    await page.getByLabel('Name', { exact: true }).fill('grafana');
    await row('Nightly backup').waitFor({ state: 'detached' });
    await row('Grafana dashboard').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('');
    await row('Nightly backup').waitFor();
  });

  it("tells same-named tokens apart: a short id under the name (the full id on hover), also in the buttons' names", async () => {
    await mint('Twin key', 30 * DAY_SECONDS);
    await mint('Twin key', 30 * DAY_SECONDS);
    await page.getByLabel('State').selectOption({ label: 'All' });
    const twins = row('Twin key');
    await twins.nth(1).waitFor();
    await expect(twins.count()).resolves.toBe(2);
    const shortIds: string[] = [];
    for (const twin of await twins.all()) {
      const tokenId = (await twin.getAttribute('data-token-id')) ?? '';
      const shortId = twin.getByRole('rowheader').locator('.token-id code');
      await expect(shortId.getAttribute('title')).resolves.toBe(tokenId);
      await expect(shortId.textContent()).resolves.toBe(shortIdOf(tokenId));
      await expect(twin.getByRole('button', { name: `Revoke Twin key (ID ${shortIdOf(tokenId)})`, exact: true }).count()).resolves.toBe(1);
      shortIds.push(shortIdOf(tokenId));
    }
    expect(new Set(shortIds).size).toBe(2);
    await screenshot('same-named-tokens', page.locator('table.tokens'));
  });

  it('gives the state its own column (Active, Expired, Revoked — why), and "Expires" only the expiry', async () => {
    await mint('Short-lived key', 1);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await page.getByLabel('State').selectOption({ label: 'Expired' });
    await row('Short-lived key').waitFor();
    await page.getByLabel('State').selectOption({ label: 'All' });
    await row('Deploy key').waitFor();
    await page.getByRole('columnheader', { name: 'State' }).waitFor();

    await expect(cell('Deploy key', 'State').textContent()).resolves.toBe('Active');
    await expect(cell('Short-lived key', 'State').textContent()).resolves.toBe('Expired');
    await expect(cell('Short-lived key', 'Expires').locator('time').count()).resolves.toBe(1);
    await expect(cell('Short-lived key', 'Expires').textContent()).resolves.not.toMatch(/Expired/);
    await expect(row('Short-lived key').getByRole('button').count()).resolves.toBe(0);

    // Revoked by itself: its state says so (with why), its expiry stays the expiry.
    await expect(cell('Old deploy key', 'State').textContent()).resolves.toMatch(/^Revoked — by its owner/);
    await expect(cell('Old deploy key', 'Expires').textContent()).resolves.not.toMatch(/Revoked/);
    await expect(cell('Old deploy key', 'Expires').locator('time').textContent()).resolves.toMatch(/^in 2 days \(/);
    await expect(row('Old deploy key').getByRole('button').count()).resolves.toBe(0);
    // The reader's rotated-away token, then its successor revoked in the page.
    const ciStates = await row('CI read token').locator('td[data-label="State"]').allTextContents();
    expect(ciStates.some((text) => /^Revoked — rotated/.test(text))).toBe(true);
    await screenshot('state-column', page.locator('table.tokens'));
  });

  it('fits the table at 1280 px and on a phone (390 px), with every state shown: every button whole, no sideways scroll', async () => {
    await page.getByLabel('State').selectOption({ label: 'All' });
    await row('Deploy key').waitFor();
    const sizes = [
      { width: 1280, height: 800 },
      { width: 1024, height: 768 },
      { width: 900, height: 800 },
      { width: 390, height: 844 },
    ];
    try {
      for (const size of sizes) {
        await page.setViewportSize(size);
        const innerWidth = await page.evaluate<number>('window.innerWidth');
        expect(innerWidth).toBe(size.width);
        await expect(page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), `page scroll at ${size.width}`).resolves.toBe(true);
        // Nothing clipped by the table's wrapper, and nothing to scroll inside it either.
        const fitsWrapper = "(() => { const wrap = document.querySelector('.table-wrap'); return wrap.scrollWidth <= wrap.clientWidth; })()";
        await expect(page.evaluate<boolean>(fitsWrapper), `wrapper scroll at ${size.width}`).resolves.toBe(true);
        const wrapperBox = await page.locator('.table-wrap').boundingBox();
        if (!wrapperBox) throw new Error('the table has no box');
        const buttons = await page.locator('table.tokens button').all();
        expect(buttons.length).toBeGreaterThan(4);
        for (const button of buttons) {
          const box = await button.boundingBox();
          const label = `${await button.textContent()} at ${size.width} px`;
          if (!box) throw new Error(`${label}: no box`);
          expect(box.x, label).toBeGreaterThanOrEqual(Math.max(0, wrapperBox.x));
          expect(box.x + box.width, label).toBeLessThanOrEqual(Math.min(innerWidth, wrapperBox.x + wrapperBox.width));
        }
        await screenshot(`all-tokens-${size.width}px`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('reloads the list when the tab comes back (focus, visibility): a token revoked elsewhere shows as Revoked', async () => {
    const focusKey = await mint('Focus key', 30 * DAY_SECONDS);
    const visibleKey = await mint('Visible key', 30 * DAY_SECONDS);
    await page.getByLabel('State').selectOption({ label: 'Active' });
    await page.getByLabel('State').selectOption({ label: 'All' });
    // A revoked token is listed: the last reload (All) is in, none is pending.
    await row('Old deploy key').waitFor();
    await expect(cell('Focus key', 'State').textContent()).resolves.toBe('Active');

    await revokeItself(focusKey);
    // Nothing told the page yet.
    await expect(cell('Focus key', 'State').textContent()).resolves.toBe('Active');
    await returnToTab('focus');
    await cell('Focus key', 'State').getByText('Revoked', { exact: true }).waitFor();
    await expect(cell('Focus key', 'Expires').textContent()).resolves.not.toMatch(/Revoked/);
    await expect(row('Focus key').getByRole('button').count()).resolves.toBe(0);

    await revokeItself(visibleKey);
    await expect(cell('Visible key', 'State').textContent()).resolves.toBe('Active');
    await returnToTab('visibilitychange');
    await cell('Visible key', 'State').getByText('Revoked', { exact: true }).waitFor();
    await screenshot('revoked-elsewhere', page.locator('table.tokens'));
  });

  it('says so when a token to revoke was already revoked by reuse detection, rather than reporting success', async () => {
    const original = await mint('Reused key', 30 * DAY_SECONDS);
    const rotation = await api('/api/auth/tokens/self/rotate', original, { method: 'POST', body: '{}' });
    expect(rotation.status).toBe(201);
    const { tokenId: successorId } = (await rotation.json()) as { tokenId: string };
    await page.getByLabel('State').selectOption({ label: 'Active' });
    const successor = page.locator(`tr[data-token-id="${successorId}"]`);
    await successor.waitFor();
    await expect(row('Reused key').count()).resolves.toBe(1);

    await successor.getByRole('button', { name: 'Revoke Reused key' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Revoke token?' });
    await confirm.waitFor();
    // Meanwhile the rotated-away token is used once more: that revokes its successor.
    expect((await api('/api/auth/tokens/self', original)).status).toBe(401);
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Token “Reused key” was already revoked (reuse of a rotated token detected).').waitFor();
    await successor.waitFor({ state: 'detached' });
    await row('Nightly backup').waitFor();
  });

  it('works with the keyboard alone: Tab to "Generate token", Enter opens the dialog, Tab stays in it, Escape closes it', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Personal Access Tokens', exact: true }).waitFor();
    const focusedName = () => page.evaluate<string>("document.activeElement?.textContent?.trim() ?? ''");
    let presses = 0;
    while ((await focusedName()) !== 'Generate token') {
      if (++presses > 20) throw new Error('Tab never reached "Generate token"');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    const open = dialog();
    await open.waitFor();
    const focusInDialog = () => page.evaluate<boolean>("Boolean(document.activeElement?.closest('dialog[open]'))");
    await expect(focusInDialog()).resolves.toBe(true);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await open.waitFor({ state: 'detached' });
    await expect(focusedName()).resolves.toBe('Generate token');
  });

  it('is readable at 360 px: no horizontal scroll on the token list, a dialog or the sign-in form', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    await row('Nightly backup').waitFor();
    await expect(hasNoHorizontalScroll()).resolves.toBe(true);
    await screenshot('narrow-token-list');
    await page.getByRole('button', { name: 'Generate token' }).click();
    await dialog().waitFor();
    await expect(hasNoHorizontalScroll()).resolves.toBe(true);
    await screenshot('narrow-generate-dialog');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it("in a host app, finds the API under the host's global prefix and route prefix", async () => {
    @Module({
      imports: [
        FalkorDbPatModule.forRoot({
          falkordb: { url: server.url },
          // No expiry notices in this host: its page marks no token.
          auth: { jwtSecret: TEST_SECRETS.JWT_SECRET, sessionSecret: TEST_SECRETS.SESSION_SECRET, encryptionKey: TEST_SECRETS.ENCRYPTION_KEY, expiryNoticeDays: [] },
          tokens: { allowNeverExpiring: false, maxTtlSeconds: 60 * 24 * 3600 },
          routes: { routePrefix: 'v1/pat', graphApi: false, settingsPage: { path: 'admin/tokens' } },
        }),
      ],
    })
    class HostModule {}
    const host: INestApplication = await NestFactory.create(HostModule, new FastifyAdapter(), { logger: false });
    // A browser of its own: cookies are per host, not per port, and this one must start signed out.
    const hostContext = await browser.newContext();
    try {
      host.setGlobalPrefix('portal');
      await host.listen(0, '127.0.0.1');
      const hostUrl = (await host.getUrl()).replace('[::1]', '127.0.0.1');
      expect((await fetch(`${hostUrl}/portal/settings/tokens`)).status).toBe(404);
      expect((await fetch(`${hostUrl}/portal`)).status).toBe(404); // the host's root stays the host's

      const hostPage = await hostContext.newPage();
      // Under the page's own, stricter CSP (this host has none): Chromium logs any violation as a console error.
      hostPage.on('console', (message) => message.type() === 'error' && consoleErrors.push({ text: message.text(), url: message.location().url }));
      hostPage.on('pageerror', (error) => pageErrors.push(error.message));
      await hostPage.goto(`${hostUrl}/portal/admin/tokens`);
      await hostPage.getByLabel('Username').fill(TEST_USERS.writer.username);
      await hostPage.getByLabel('Password').fill(TEST_USERS.writer.password);
      const [login] = await Promise.all([hostPage.waitForResponse(/\/login$/), hostPage.getByRole('button', { name: 'Sign in' }).click()]);
      expect(new URL(login.url()).pathname).toBe('/portal/v1/pat/login');
      expect(login.headers()['content-security-policy']).toBeUndefined();
      const hostIndex = await hostPage.request.get(`${hostUrl}/portal/admin/tokens`);
      expect(hostIndex.headers()['content-security-policy']).toMatch(/style-src 'self';/);
      expect(await hostIndex.text()).toContain('<meta name="falkordb-pat:expiry-notice-days" content="0">');
      await hostPage.getByRole('heading', { name: 'Personal Access Tokens', exact: true }).waitFor();
      const deploy = rowOf(hostPage, 'Deploy key');
      await expect(deploy.locator('td[data-label="Expires"] time').textContent()).resolves.toMatch(/^in 2 days \(/);
      await expect(hostPage.locator('tr[data-expiring]').count()).resolves.toBe(0);
      // The host's token policy: 30 and 60 days fit its 60-day maximum, and nothing is offered without expiry.
      await hostPage.getByRole('button', { name: 'Generate token' }).click();
      await expect(hostPage.getByLabel('Expiration', { exact: true }).locator('option').allTextContents()).resolves.toEqual(['30 days', '60 days', 'Custom date']);
    } finally {
      // The browser first: its keep-alive connections would hold the host's close.
      await hostContext.close();
      await host.close();
    }
  });

  it('an ended session (any 401) brings back the sign-in form with a message', async () => {
    expecting401 = true;
    await context.clearCookies();
    await page.getByLabel('State').selectOption({ label: 'All' });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session has ended. Please sign in again.').waitFor();
    await expect(hasNoHorizontalScroll()).resolves.toBe(true);
    await screenshot('narrow-session-ended');
    expecting401 = false;
  });
});
