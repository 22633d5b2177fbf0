import { randomBytes } from 'node:crypto';
import { AuthHarness } from '../../test/support/auth-harness';
import { fakeDateOnly } from '../../test/support/clock';
import { until } from '../../test/support/until';
import { TooManyAttemptsError } from './auth-errors';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { AttemptLimiter } from './attempt-limiter';
import { BruteForceOptions } from './auth.options';

const GRAPH = 'unit_attempt_limiter';
const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
/** Small limits, all different, so each test shows which counter blocked. */
const LIMITS: Partial<BruteForceOptions> = {
  windowSeconds: 60,
  maxLoginFailuresPerUsername: 3,
  maxLoginFailuresPerClient: 7,
  maxFailuresPerCredential: 4,
  maxAnonymousFailuresPerClient: 5,
  maxLeakReportsPerClient: 2,
};
const WINDOW_MS = 60_000;

/** A value no other test uses: keys in FalkorDB outlive a test. */
const fresh = (what: string): string => `${what}-${randomBytes(4).toString('hex')}`;

/** The seconds to wait when `check` refuses (TooManyAttemptsError), or 0 when it allows. */
function retryAfterOf(check: () => void): number {
  try {
    check();
    return 0;
  } catch (error) {
    if (error instanceof TooManyAttemptsError) return error.retryAfterSeconds;
    throw error;
  }
}

async function repeat(times: number, attempt: () => Promise<void>): Promise<void> {
  for (let done = 0; done < times; done++) await attempt();
}

describe('AttemptLimiter shared by instances (real FalkorDB)', () => {
  let harness: AuthHarness;
  let other: AuthHarness;
  let instanceOnly: AuthHarness;
  let instanceOnlyToo: AuthHarness;
  let a: AttemptLimiter;
  let b: AttemptLimiter;

  beforeAll(async () => {
    harness = await AuthHarness.start(GRAPH, USER, '2b'.repeat(32), { bruteForce: LIMITS });
    other = await harness.anotherInstance({ bruteForce: LIMITS });
    instanceOnly = await harness.anotherInstance({ bruteForce: LIMITS, sharedState: 'instance' });
    instanceOnlyToo = await harness.anotherInstance({ bruteForce: LIMITS, sharedState: 'instance' });
    a = harness.get(AttemptLimiter);
    b = other.get(AttemptLimiter);
  });

  afterEach(() => vi.useRealTimers());

  afterAll(async () => {
    await instanceOnlyToo?.close();
    await instanceOnly?.close();
    await other?.close();
    await harness?.close();
  });

  it('blocks a username on instance B once failures recorded on A reach the limit with B\'s own (limit + N - 1 attempts, not N x limit)', async () => {
    const username = fresh('guessed');
    await repeat(2, () => a.recordLoginFailure(fresh('client'), username));
    // Checks read memory only: B knows nothing until it records a failure of its own.
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username))).toBe(0);

    await b.recordLoginFailure(fresh('client'), username);
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username.toUpperCase()))).toBeGreaterThan(0);
    // A learns the total with its next failure: 4 attempts in all for a limit of 3 on 2 instances.
    expect(retryAfterOf(() => a.assertLoginAllowed(fresh('client'), username))).toBe(0);
    await a.recordLoginFailure(fresh('client'), username);
    expect(retryAfterOf(() => a.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
  });

  it('shares the per-client login count across usernames too', async () => {
    const client = fresh('client');
    await repeat(6, () => a.recordLoginFailure(client, fresh('user')));
    await b.recordLoginFailure(client, fresh('user'));
    expect(retryAfterOf(() => b.assertLoginAllowed(client, fresh('user')))).toBeGreaterThan(0);
  });

  it('slides the shared window on the instances\' (fake) clock, and waits for the failure that decides', async () => {
    const start = Date.now();
    fakeDateOnly(start);
    const username = fresh('slow-guesser');
    await a.recordLoginFailure(fresh('client'), username);
    await a.recordLoginFailure(fresh('client'), username);

    // Past the window those two no longer count anywhere.
    vi.setSystemTime(start + WINDOW_MS);
    await b.recordLoginFailure(fresh('client'), username);
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username))).toBe(0);

    vi.setSystemTime(start + WINDOW_MS + 10_000);
    await a.recordLoginFailure(fresh('client'), username);
    vi.setSystemTime(start + WINDOW_MS + 20_000);
    await b.recordLoginFailure(fresh('client'), username);
    // Blocked until the oldest of the three (B's, at start + WINDOW) leaves the window: 40 s from now.
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username))).toBe(40);

    vi.setSystemTime(start + 2 * WINDOW_MS);
    expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), username))).toBe(0);
  });

  it('shares failures of credentials the store refused; a bad signature or no credential is counted where it happened', async () => {
    const revoked = fresh('revoked.token');
    await repeat(3, () => a.recordAuthenticationFailure(fresh('client'), revoked, true));
    await b.recordAuthenticationFailure(fresh('client'), revoked, true);
    expect(retryAfterOf(() => b.assertAuthenticationAllowed(fresh('client'), revoked))).toBeGreaterThan(0);

    const forged = fresh('forged.token');
    await repeat(3, () => a.recordAuthenticationFailure(fresh('client'), forged, false));
    await b.recordAuthenticationFailure(fresh('client'), forged, false);
    expect(retryAfterOf(() => b.assertAuthenticationAllowed(fresh('client'), forged))).toBe(0);
    await a.recordAuthenticationFailure(fresh('client'), forged, false);
    expect(retryAfterOf(() => a.assertAuthenticationAllowed(fresh('client'), forged))).toBeGreaterThan(0);

    const client = fresh('anonymous');
    await repeat(4, () => a.recordAuthenticationFailure(client, undefined));
    await b.recordAuthenticationFailure(client, undefined);
    expect(retryAfterOf(() => b.assertAuthenticationAllowed(client, undefined))).toBe(0);
  });

  it('shares the leak reports of a client', async () => {
    const client = fresh('reporter');
    await a.acceptLeakReport(client);
    await b.acceptLeakReport(client);
    await expect(b.acceptLeakReport(client)).rejects.toThrow(TooManyAttemptsError);
  });

  it('keeps only hashes in FalkorDB: no username, address or credential in any key or value', async () => {
    const username = fresh('secret-name');
    const client = fresh('203.0.113.9');
    const credential = fresh('eyJhbGciOiJIUzI1NiJ9.secret');
    await a.recordLoginFailure(client, username);
    await a.recordAuthenticationFailure(client, credential, true);
    await a.acceptLeakReport(client);

    const keys = (await harness.server.command(['KEYS', `falkordb-pat:${GRAPH}:failures:*`])) as string[];
    expect(keys.length).toBeGreaterThanOrEqual(4);
    const members = await Promise.all(keys.map((key) => harness.server.command(['ZRANGE', key, '0', '-1'])));
    const stored = JSON.stringify([keys, members]).toLowerCase();
    for (const secret of [username, client, credential]) expect(stored).not.toContain(secret.toLowerCase());
    // Each key expires with its window (plus a margin for clocks that differ).
    const ttls = (await Promise.all(keys.map((key) => harness.server.command(['PTTL', key])))) as number[];
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(0);
    for (const ttl of ttls) expect(ttl).toBeLessThanOrEqual(WINDOW_MS + 60_000);
  });

  it('shares nothing in instance mode (for a single instance)', async () => {
    const [c, d] = [instanceOnly.get(AttemptLimiter), instanceOnlyToo.get(AttemptLimiter)];
    const username = fresh('per-instance');
    const before = ((await harness.server.command(['KEYS', `falkordb-pat:${GRAPH}:failures:*`])) as string[]).length;
    await repeat(2, () => c.recordLoginFailure(fresh('client'), username));
    await d.recordLoginFailure(fresh('client'), username);
    expect(retryAfterOf(() => d.assertLoginAllowed(fresh('client'), username))).toBe(0);
    await c.recordLoginFailure(fresh('client'), username);
    expect(retryAfterOf(() => c.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
    const after = ((await harness.server.command(['KEYS', `falkordb-pat:${GRAPH}:failures:*`])) as string[]).length;
    expect(after).toBe(before);
  });

  it('counts alone, without throwing, when the service user may not run scripts', async () => {
    const service = { username: 'pat_no_scripts', password: 'no-scripts-secret-pw' };
    await harness.server.command(['ACL', 'SETUSER', service.username, 'on', `>${service.password}`, '~*', '&*', '+@all', '-@scripting']);
    const limited = await harness.anotherInstance({ bruteForce: LIMITS }, `redis://${service.username}:${service.password}@127.0.0.1:${harness.server.port}`);
    try {
      const limiter = limited.get(AttemptLimiter);
      const username = fresh('refused-script');
      await repeat(2, () => a.recordLoginFailure(fresh('client'), username));
      await limiter.recordLoginFailure(fresh('client'), username);
      expect(retryAfterOf(() => limiter.assertLoginAllowed(fresh('client'), username))).toBe(0);
      await repeat(2, () => limiter.recordLoginFailure(fresh('client'), username));
      expect(retryAfterOf(() => limiter.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('AttemptLimiter while FalkorDB is down (real FalkorDB, stopped)', () => {
  let harness: AuthHarness;
  let limiter: AttemptLimiter;

  beforeAll(async () => {
    harness = await AuthHarness.start(`${GRAPH}_outage`, USER, '2c'.repeat(32), { bruteForce: LIMITS });
    limiter = harness.get(AttemptLimiter);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('counts on its own (never a 500), and shares again once FalkorDB is back', async () => {
    const username = fresh('during-outage');
    await harness.server.stop();
    try {
      await repeat(2, () => limiter.recordLoginFailure(fresh('client'), username));
      expect(retryAfterOf(() => limiter.assertLoginAllowed(fresh('client'), username))).toBe(0);
      await expect(limiter.recordLoginFailure(fresh('client'), username)).resolves.toBeUndefined();
      expect(retryAfterOf(() => limiter.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
      await expect(limiter.recordAuthenticationFailure(fresh('client'), fresh('token'), true)).resolves.toBeUndefined();
      await expect(limiter.acceptLeakReport(fresh('client'))).resolves.toBeUndefined();
    } finally {
      await harness.server.startAgain();
    }
    const store = harness.get(FalkorDbConnection);
    await until(() => store.isReachable(), 10_000, 'the store connection to come back');

    // Failures counted alone are kept when the shared count (here only the new one) comes back.
    const second = await harness.anotherInstance({ bruteForce: LIMITS });
    try {
      const shared = fresh('after-outage');
      await limiter.recordLoginFailure(fresh('client'), shared);
      await limiter.recordLoginFailure(fresh('client'), shared);
      const b = second.get(AttemptLimiter);
      await b.recordLoginFailure(fresh('client'), shared);
      expect(retryAfterOf(() => b.assertLoginAllowed(fresh('client'), shared))).toBeGreaterThan(0);
      expect(retryAfterOf(() => limiter.assertLoginAllowed(fresh('client'), username))).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});
