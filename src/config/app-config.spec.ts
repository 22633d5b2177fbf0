import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_EMBEDDED_PORT } from '../falkordb/falkordb.options';
import { LONGEST_MAX_TTL_SECONDS } from '../tokens/tokens.options';
import { ConfigError, Environment, loadAppConfig } from './app-config';

const SECRETS = {
  JWT_SECRET: 'unit-jwt-secret-Qm9tR2xkY1ZxWjNrTnBvSg',
  SESSION_SECRET: 'unit-session-secret-a2V5VmFsdWVGb3JUZXN0',
  ENCRYPTION_KEY: '3a'.repeat(32),
};

/** The problems a ConfigError lists (fails the test when loading succeeds). */
async function problemsOf(env: Environment): Promise<string[]> {
  const error: unknown = await loadAppConfig(env).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

describe('loadAppConfig', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-config-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies the defaults', async () => {
    const config = await loadAppConfig({ ...SECRETS });
    expect(config).toMatchObject({
      production: false,
      host: '127.0.0.1',
      port: 3000,
      dataDir: resolve('./data'),
      falkordb: { embedded: { dataDir: join(resolve('./data'), 'falkordb'), port: DEFAULT_EMBEDDED_PORT } },
      auth: { jwtSecret: SECRETS.JWT_SECRET, sessionSecret: SECRETS.SESSION_SECRET, encryptionKey: SECRETS.ENCRYPTION_KEY, secureCookies: false },
    });
    // Unset settings stay unset: each module applies its own default.
    expect(config.falkordb.url).toBeUndefined();
    expect(config.falkordb.tokenGraph).toBeUndefined();
    expect(config.auth.allowedServers).toBeUndefined();
    expect(config.auth.sessionTtlSeconds).toBeUndefined();
    expect(config.tokens).toEqual({ maxTtlSeconds: undefined, allowNeverExpiring: undefined, maxActiveTokensPerUser: undefined });
  });

  it('reads the settings from the environment', async () => {
    const config = await loadAppConfig({
      ...SECRETS,
      NODE_ENV: 'production',
      PORT: '8080',
      FALKORDB_URL: 'rediss://user:pw@db.internal:6380',
      FALKORDB_DATA_DIR: dataDir,
      FALKORDB_ALLOWED_SERVERS: 'redis://db.internal:6380, rediss://other:6390',
      TOKEN_GRAPH: 'pat_store',
      TOKEN_MAX_TTL_SECONDS: '86400',
      TOKEN_ALLOW_NEVER_EXPIRE: 'false',
      SESSION_TTL_SECONDS: '600',
    });
    expect(config).toMatchObject({
      production: true,
      host: '0.0.0.0',
      port: 8080,
      dataDir,
      falkordb: { url: 'rediss://user:pw@db.internal:6380', tokenGraph: 'pat_store' },
      auth: {
        allowedServers: [
          { host: 'db.internal', port: 6380, tls: false },
          { host: 'other', port: 6390, tls: true },
        ],
        sessionTtlSeconds: 600,
        secureCookies: true,
      },
      tokens: { maxTtlSeconds: 86400, allowNeverExpiring: false },
    });
    expect(config.falkordb.embedded).toBeUndefined();
  });

  it.each([
    ['0.0.0.0', '0.0.0.0'],
    ['::', '::'],
    [' 10.1.2.3 ', '10.1.2.3'],
    ['pat.internal', 'pat.internal'],
  ])('listens on HOST=%j', async (raw, host) => {
    expect((await loadAppConfig({ ...SECRETS, HOST: raw })).host).toBe(host);
  });

  it.each([
    [undefined, false],
    ['false', false],
    [' TRUE ', true],
    ['10.0.0.0/8, 127.0.0.1', '10.0.0.0/8, 127.0.0.1'],
    ['::1', '::1'],
  ])('trusts proxies for TRUST_PROXY=%j', async (raw, trustProxy) => {
    expect((await loadAppConfig({ ...SECRETS, TRUST_PROXY: raw })).trustProxy).toBe(trustProxy);
  });

  it('refuses a hop count for TRUST_PROXY, naming what to give instead', async () => {
    expect(await problemsOf({ ...SECRETS, TRUST_PROXY: '2' })).toEqual([
      'TRUST_PROXY takes no hop count (got "2"): name the proxies\' addresses or ranges, e.g. 10.0.0.0/8,127.0.0.1, or true',
    ]);
    expect(await problemsOf({ ...SECRETS, TRUST_PROXY: 'proxy.internal' })).toEqual([
      'TRUST_PROXY must be true, false, or the proxies\' addresses or ranges (got "proxy.internal")',
    ]);
  });

  it.each(['http://0.0.0.0', '0.0.0.0:3000', 'bad host', '-leading.dash'])('rejects HOST=%j', async (raw) => {
    expect(await problemsOf({ ...SECRETS, HOST: raw })).toEqual([
      `HOST must be an IP address or a host name, e.g. 0.0.0.0 or 127.0.0.1 (got "${raw}")`,
    ]);
  });

  describe('in production', () => {
    it('fails naming every missing secret', async () => {
      const problems = await problemsOf({ NODE_ENV: 'production', FALKORDB_DATA_DIR: dataDir, JWT_SECRET: SECRETS.JWT_SECRET });
      expect(problems).toEqual(['SESSION_SECRET, ENCRYPTION_KEY must be set when NODE_ENV=production']);
      await expect(stat(join(dataDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('treats empty secrets as missing', async () => {
      const problems = await problemsOf({ NODE_ENV: 'production', JWT_SECRET: '', SESSION_SECRET: '', ENCRYPTION_KEY: '' });
      expect(problems.join('\n')).toMatch(/JWT_SECRET, SESSION_SECRET, ENCRYPTION_KEY must be set/);
    });
  });

  it('rejects short secrets, naming each', async () => {
    const problems = await problemsOf({ ...SECRETS, JWT_SECRET: 'short', SESSION_SECRET: 'x'.repeat(31) });
    expect(problems).toEqual(['JWT_SECRET must be at least 32 characters', 'SESSION_SECRET must be at least 32 characters']);
  });

  it.each([
    'change-me-to-a-long-random-secret',
    'CHANGE_ME_please_to_something_long_and_random',
    'replace-me-with-a-long-random-secret-value',
    'this-is-an-example-secret-that-is-long-enough',
    'x'.repeat(40),
  ])('rejects the .env.example-style placeholder "%s"', async (placeholder) => {
    const problems = await problemsOf({ ...SECRETS, NODE_ENV: 'production', JWT_SECRET: placeholder });
    expect(problems).toEqual(['JWT_SECRET still holds the .env.example placeholder: set a random value']);
  });

  it('rejects a placeholder session secret too', async () => {
    const problems = await problemsOf({ ...SECRETS, SESSION_SECRET: 'change-me-to-another-long-random-secret' });
    expect(problems).toEqual(['SESSION_SECRET still holds the .env.example placeholder: set a random value']);
  });

  it('rejects SESSION_SECRET equal to JWT_SECRET', async () => {
    const problems = await problemsOf({ ...SECRETS, SESSION_SECRET: SECRETS.JWT_SECRET });
    expect(problems).toEqual(['SESSION_SECRET must differ from JWT_SECRET']);
  });

  it.each([
    ['too short', 'ab'.repeat(31)],
    ['too long', 'ab'.repeat(33)],
    ['not hex', 'g'.repeat(64)],
    ['base64 instead of hex', Buffer.alloc(32, 7).toString('base64')],
  ])('rejects an ENCRYPTION_KEY that is %s', async (_name, key) => {
    const problems = await problemsOf({ ...SECRETS, ENCRYPTION_KEY: key });
    expect(problems).toEqual(['ENCRYPTION_KEY must be 64 hex characters (32 bytes)']);
  });

  it('rejects an all-zero ENCRYPTION_KEY placeholder', async () => {
    const problems = await problemsOf({ ...SECRETS, ENCRYPTION_KEY: '0'.repeat(64) });
    expect(problems).toEqual(['ENCRYPTION_KEY still holds a placeholder']);
  });

  it.each(['PORT', 'TOKEN_MAX_TTL_SECONDS', 'GRAPH_MAX_ROWS'])('names %s when it is not an integer', async (name) => {
    for (const value of ['abc', '-1', '80.5', '1e6']) {
      expect(await problemsOf({ ...SECRETS, [name]: value })).toEqual([`${name} must be an integer (got "${value}")`]);
    }
  });

  it.each([
    ['PORT', '65536', 'PORT must be an integer from 0 to 65535 (got "65536")'],
    ['TOKEN_MAX_TTL_SECONDS', '0', `TOKEN_MAX_TTL_SECONDS must be an integer from 1 to ${LONGEST_MAX_TTL_SECONDS}`],
    ['TOKEN_MAX_TTL_SECONDS', String(LONGEST_MAX_TTL_SECONDS + 1), `TOKEN_MAX_TTL_SECONDS must be an integer from 1 to ${LONGEST_MAX_TTL_SECONDS}`],
    ['SESSION_TTL_SECONDS', '59', 'SESSION_TTL_SECONDS must be an integer from 60 to 2592000'],
    ['FALKORDB_EMBEDDED_PORT', '0', 'FALKORDB_EMBEDDED_PORT must be an integer from 1 to 65535'],
    ['GRAPH_MAX_CONNECTIONS', '0', 'GRAPH_MAX_CONNECTIONS must be a positive integer, got 0'],
  ])('reports the module\'s own rule for %s=%s, naming the variable', async (name, value, message) => {
    expect(await problemsOf({ ...SECRETS, [name]: value })).toEqual([message]);
  });

  it('names both variables when the default query time limit exceeds the largest', async () => {
    expect(await problemsOf({ ...SECRETS, GRAPH_QUERY_TIMEOUT_MS: '5000', GRAPH_MAX_QUERY_TIMEOUT_MS: '1000' })).toEqual([
      'GRAPH_QUERY_TIMEOUT_MS must not exceed GRAPH_MAX_QUERY_TIMEOUT_MS',
    ]);
  });

  it.each([
    ['http://db:6379', /^FALKORDB_URL must start with redis:\/\/, rediss:\/\/, falkor:\/\/ or falkors:\/\/ \(got http:\)$/],
    ['localhost:6379', /^FALKORDB_URL must start with redis:\/\/, .* \(got localhost:\)$/],
    ['::::', /^FALKORDB_URL is not a valid URL/],
  ])('names FALKORDB_URL for "%s"', async (url, expected) => {
    const problems = await problemsOf({ ...SECRETS, FALKORDB_URL: url });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it.each(['localhost', 'localhost:0', 'localhost:70000', 'http://host:80', 'host:port'])(
    'names FALKORDB_ALLOWED_SERVERS for the entry "%s"',
    async (entry) => {
      const problems = await problemsOf({ ...SECRETS, FALKORDB_ALLOWED_SERVERS: `localhost:6379,${entry}` });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^FALKORDB_ALLOWED_SERVERS: /);
      expect(problems[0]).toContain(`"${entry}"`);
    },
  );

  it.each(['1graph', 'bad graph', 'graph;DROP', 'g'.repeat(129)])('names TOKEN_GRAPH for "%s"', async (graph) => {
    const problems = await problemsOf({ ...SECRETS, TOKEN_GRAPH: graph });
    expect(problems).toEqual(['TOKEN_GRAPH must be 1..128 of [A-Za-z0-9_-], starting with a letter or _']);
  });

  it('names TOKEN_ALLOW_NEVER_EXPIRE and SECURE_COOKIES when they are not booleans', async () => {
    const problems = await problemsOf({ ...SECRETS, TOKEN_ALLOW_NEVER_EXPIRE: 'sometimes', SECURE_COOKIES: 'maybe' });
    expect(problems).toEqual([
      'TOKEN_ALLOW_NEVER_EXPIRE must be true or false (got "sometimes")',
      'SECURE_COOKIES must be true or false (got "maybe")',
    ]);
  });

  it('reads AUTH_SHARED_STATE (unset: the auth module\'s default), and names it when it is neither falkordb nor instance', async () => {
    expect((await loadAppConfig({ ...SECRETS })).auth.sharedState).toBeUndefined();
    expect((await loadAppConfig({ ...SECRETS, AUTH_SHARED_STATE: ' Instance ' })).auth.sharedState).toBe('instance');
    expect((await loadAppConfig({ ...SECRETS, AUTH_SHARED_STATE: 'falkordb' })).auth.sharedState).toBe('falkordb');
    expect(await problemsOf({ ...SECRETS, AUTH_SHARED_STATE: 'redis' })).toEqual(['AUTH_SHARED_STATE must be one of falkordb, instance']);
  });

  it('reports every problem at once', async () => {
    const problems = await problemsOf({ ...SECRETS, PORT: 'x', TOKEN_GRAPH: '9', FALKORDB_URL: 'http://h', SESSION_SECRET: SECRETS.JWT_SECRET });
    expect(problems.map((problem) => problem.split(' ')[0]).sort()).toEqual(['FALKORDB_URL', 'PORT', 'SESSION_SECRET', 'TOKEN_GRAPH']);
  });

  describe('in development', () => {
    it('generates missing secrets once into <FALKORDB_DATA_DIR>/secrets.json (mode 0600) and reuses them', async () => {
      const env = { FALKORDB_DATA_DIR: dataDir };
      const first = await loadAppConfig(env);
      expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(first.auth.sessionSecret.length).toBeGreaterThanOrEqual(32);
      expect(first.auth.sessionSecret).not.toBe(first.auth.jwtSecret);
      expect(first.auth.encryptionKey).toMatch(/^[0-9a-f]{64}$/);

      const file = join(dataDir, 'secrets.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
        jwtSecret: first.auth.jwtSecret,
        sessionSecret: first.auth.sessionSecret,
        encryptionKey: first.auth.encryptionKey,
      });

      const second = await loadAppConfig(env);
      expect(second).toEqual(first);
    });

    it('creates the data folder when it does not exist yet', async () => {
      const nested = join(dataDir, 'not', 'there');
      await loadAppConfig({ FALKORDB_DATA_DIR: nested });
      expect((await stat(join(nested, 'secrets.json'))).isFile()).toBe(true);
    });

    it('generates only the secrets that are missing', async () => {
      const config = await loadAppConfig({ FALKORDB_DATA_DIR: dataDir, JWT_SECRET: SECRETS.JWT_SECRET });
      const stored = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
      expect(config.auth.jwtSecret).toBe(SECRETS.JWT_SECRET);
      expect(config.auth.sessionSecret).toBe(stored.sessionSecret);
      expect(config.auth.encryptionKey).toBe(stored.encryptionKey);
    });

    it('writes nothing when every secret is set', async () => {
      await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir });
      await expect(stat(join(dataDir, 'secrets.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  describe('Sentinel and replica confirmation', () => {
    it('reads the sentinels, the master name, the service user and the replica settings', async () => {
      const config = await loadAppConfig({
        ...SECRETS,
        FALKORDB_DATA_DIR: dataDir,
        FALKORDB_SENTINELS: '10.0.0.1:26379, sentinel-b:26380,[::1]:26381',
        FALKORDB_SENTINEL_MASTER: 'falkordb-main',
        FALKORDB_USERNAME: 'pat_service',
        FALKORDB_PASSWORD: 's3cret',
        FALKORDB_SENTINEL_PASSWORD: 'sentinel-pw',
        FALKORDB_MIN_REPLICAS_ACK: '2',
        FALKORDB_REPLICA_ACK_TIMEOUT_MS: '1500',
      });
      expect(config.falkordb).toMatchObject({
        sentinel: {
          sentinels: [
            { host: '10.0.0.1', port: 26379 },
            { host: 'sentinel-b', port: 26380 },
            { host: '::1', port: 26381 },
          ],
          masterName: 'falkordb-main',
          username: 'pat_service',
          password: 's3cret',
          sentinelPassword: 'sentinel-pw',
        },
        replicaAcks: { minReplicas: 2, timeoutMs: 1500 },
      });
      expect(config.falkordb).not.toHaveProperty('embedded');
      expect(config.falkordb).not.toHaveProperty('url');
    });

    it('names what is missing or contradictory', async () => {
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_SENTINELS: 'a:1' })).toEqual(
        expect.arrayContaining([expect.stringContaining('FALKORDB_SENTINELS needs FALKORDB_SENTINEL_MASTER')]),
      );
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_SENTINEL_MASTER: 'm' })).toEqual([expect.stringContaining('FALKORDB_SENTINEL_MASTER needs FALKORDB_SENTINELS')]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_SENTINELS: 'a:1', FALKORDB_SENTINEL_MASTER: 'm', FALKORDB_URL: 'redis://x:6379' })).toEqual([
        expect.stringContaining('give FALKORDB_URL or FALKORDB_SENTINELS, not both'),
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_SENTINELS: 'a:1,nope', FALKORDB_SENTINEL_MASTER: 'm' })).toEqual([expect.stringMatching(/^FALKORDB_SENTINELS: "nope"/)]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_SENTINELS: 'a:1', FALKORDB_SENTINEL_MASTER: 'bad name' })).toEqual([
        expect.stringMatching(/^FALKORDB_SENTINEL_MASTER must be/),
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_URL: 'redis://x:6379', FALKORDB_MIN_REPLICAS_ACK: '101' })).toEqual([
        expect.stringMatching(/^FALKORDB_MIN_REPLICAS_ACK must be an integer from 0 to 100/),
      ]);
    });

    it('puts FALKORDB_USERNAME / FALKORDB_PASSWORD into FALKORDB_URL, refusing both ways at once', async () => {
      const config = await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_URL: 'redis://db:6379', FALKORDB_USERNAME: 'svc', FALKORDB_PASSWORD: 'p@ss word' });
      expect(config.falkordb.url).toBe('redis://svc:p%40ss%20word@db:6379');
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, FALKORDB_URL: 'redis://a:b@db:6379', FALKORDB_PASSWORD: 'x' })).toEqual([
        expect.stringContaining('FALKORDB_URL already carries a username or password'),
      ]);
    });
  });

  describe('ALLOWED_HOSTS', () => {
    it('defaults to loopback names in development and to any host in production', async () => {
      expect((await loadAppConfig({ ...SECRETS })).allowedHosts).toEqual(['localhost', '127.0.0.1', '::1']);
      expect((await loadAppConfig({ ...SECRETS, NODE_ENV: 'production', FALKORDB_DATA_DIR: dataDir })).allowedHosts).toBe('*');
    });

    it('reads names and addresses, and refuses ports and junk', async () => {
      expect((await loadAppConfig({ ...SECRETS, ALLOWED_HOSTS: ' Pat.Example.com, 10.0.0.5 ' })).allowedHosts).toEqual(['pat.example.com', '10.0.0.5']);
      expect(await problemsOf({ ...SECRETS, ALLOWED_HOSTS: 'pat.example.com:443' })).toEqual([
        'ALLOWED_HOSTS entries must be host names or IP addresses without a port, or * (got "pat.example.com:443")',
      ]);
    });
  });

  describe('token lifecycle and the event webhook', () => {
    const WEBHOOK = { NOTIFY_WEBHOOK_URL: 'https://siem.example.net/hooks/pat', NOTIFY_WEBHOOK_SECRET: 'receiver-secret-Zm9vYmFyYmF6cXV4cXV1eA' };

    it('reads them into the auth options', async () => {
      const config = await loadAppConfig({
        ...SECRETS,
        FALKORDB_DATA_DIR: dataDir,
        EXPIRY_NOTICE_DAYS: '30, 7,0.5',
        TOKEN_REVOKE_UNUSED_DAYS: '90',
        NOTIFY_SCAN_INTERVAL_SECONDS: '300',
        ROTATION_REUSE_GRACE_SECONDS: '60',
        ...WEBHOOK,
        NOTIFY_EVENTS: 'token.revoked, token.expiring',
        NOTIFY_MAX_ATTEMPTS: '5',
      });
      expect(config.auth).toMatchObject({
        expiryNoticeDays: [30, 7, 0.5],
        revokeUnusedAfterDays: 90,
        lifecycleScanIntervalMs: 300_000,
        rotationReuseGraceSeconds: 60,
        eventWebhook: { url: WEBHOOK.NOTIFY_WEBHOOK_URL, secret: WEBHOOK.NOTIFY_WEBHOOK_SECRET, events: ['token.revoked', 'token.expiring'], maxAttempts: 5 },
      });
      expect((await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, EXPIRY_NOTICE_DAYS: 'none', ...WEBHOOK, NOTIFY_EVENTS: '*' })).auth).toMatchObject({
        expiryNoticeDays: [],
        eventWebhook: { events: '*' },
      });
      expect((await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir })).auth).toMatchObject({ eventWebhook: undefined, revokeUnusedAfterDays: undefined });
    });

    it('names each mistake by its variable', async () => {
      const problems = await problemsOf({
        ...SECRETS,
        FALKORDB_DATA_DIR: dataDir,
        EXPIRY_NOTICE_DAYS: '7,,1',
        TOKEN_REVOKE_UNUSED_DAYS: '-3',
        NOTIFY_SCAN_INTERVAL_SECONDS: '0',
        ROTATION_REUSE_GRACE_SECONDS: '100000',
        NOTIFY_WEBHOOK_URL: 'ftp://siem.example.net/x',
        NOTIFY_WEBHOOK_SECRET: 'short',
        NOTIFY_EVENTS: 'token.revoked,token.exploded',
        NOTIFY_MAX_ATTEMPTS: '0',
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^EXPIRY_NOTICE_DAYS must be a comma list/),
          expect.stringMatching(/^TOKEN_REVOKE_UNUSED_DAYS must be a number of days/),
          expect.stringMatching(/^NOTIFY_SCAN_INTERVAL_SECONDS must be an integer from 1 to 86400/),
          expect.stringMatching(/^ROTATION_REUSE_GRACE_SECONDS must be an integer from 0 to 3600/),
          expect.stringMatching(/^NOTIFY_WEBHOOK_URL must be http or https/),
          expect.stringMatching(/^NOTIFY_WEBHOOK_SECRET must be at least 32 characters/),
          expect.stringMatching(/^NOTIFY_EVENTS has unknown types token.exploded/),
          expect.stringMatching(/^NOTIFY_MAX_ATTEMPTS must be an integer from 1 to 100/),
        ]),
      );
      expect(problems).toHaveLength(8);
    });

    it('wants the secret with the URL, and no webhook setting without the URL', async () => {
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, NOTIFY_WEBHOOK_URL: WEBHOOK.NOTIFY_WEBHOOK_URL })).toEqual([
        expect.stringMatching(/^NOTIFY_WEBHOOK_SECRET must be set with NOTIFY_WEBHOOK_URL/),
        expect.stringMatching(/^NOTIFY_WEBHOOK_SECRET must be at least 32 characters/),
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, NOTIFY_WEBHOOK_SECRET: WEBHOOK.NOTIFY_WEBHOOK_SECRET, NOTIFY_EVENTS: '*' })).toEqual([
        'NOTIFY_WEBHOOK_SECRET, NOTIFY_EVENTS set without NOTIFY_WEBHOOK_URL: set the receiver\'s URL, or unset them',
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, ...WEBHOOK, NOTIFY_WEBHOOK_SECRET: SECRETS.JWT_SECRET })).toEqual([
        'NOTIFY_WEBHOOK_SECRET must differ from JWT_SECRET, SESSION_SECRET, JWT_PREVIOUS_SECRETS and ENCRYPTION_KEY',
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, TOKEN_REVOKE_UNUSED_DAYS: '0.5' })).toEqual(['TOKEN_REVOKE_UNUSED_DAYS must be a number of days from 1 to 36500']);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, ...WEBHOOK, NOTIFY_WEBHOOK_URL: 'https://user:pw@siem.example.net/' })).toEqual([
        'NOTIFY_WEBHOOK_URL must not hold credentials: the receiver checks the signature',
      ]);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, ...WEBHOOK, NOTIFY_WEBHOOK_SECRET: 'change-me-to-a-long-random-webhook-secret' })).toEqual([
        'NOTIFY_WEBHOOK_SECRET still holds the .env.example placeholder: set a random value',
      ]);
    });
  });

  describe('metrics and logs', () => {
    it('listens for metrics on 127.0.0.1:9464 unless told otherwise, and never on the API port', async () => {
      expect((await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir })).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
      expect((await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, METRICS_PORT: '0' })).metrics).toBeNull();
      expect((await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, METRICS_PORT: '9100', METRICS_HOST: '0.0.0.0' })).metrics).toEqual({ host: '0.0.0.0', port: 9100 });
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, PORT: '9464' })).toEqual(['METRICS_PORT must differ from PORT (9464): metrics never share the API\'s listener']);
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, METRICS_PORT: '70000', METRICS_HOST: 'metrics.example' })).toEqual([
        'METRICS_PORT must be an integer from 0 (off) to 65535 (got "70000")',
        'METRICS_HOST must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got "metrics.example")',
      ]);
    });

    it('logs JSON in production or off a terminal, readable lines on a terminal, at LOG_LEVEL', async () => {
      const logsOf = async (env: Environment, terminal: boolean) => (await loadAppConfig({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, ...env }, { terminal })).logs;
      expect(await logsOf({}, true)).toEqual({ format: 'pretty', level: 'log' });
      expect(await logsOf({}, false)).toEqual({ format: 'json', level: 'log' });
      expect(await logsOf({ NODE_ENV: 'production', HOST: '127.0.0.1' }, true)).toEqual({ format: 'json', level: 'log' });
      expect(await logsOf({ LOG_FORMAT: 'JSON', LOG_LEVEL: 'info' }, true)).toEqual({ format: 'json', level: 'log' });
      expect(await logsOf({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' }, false)).toEqual({ format: 'pretty', level: 'debug' });
      expect(await problemsOf({ ...SECRETS, FALKORDB_DATA_DIR: dataDir, LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' })).toEqual([
        'LOG_FORMAT must be json or pretty (got "xml")',
        'LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose (or info) (got "loud")',
      ]);
    });
  });
});
