import { FalkorDbTestServer, TEST_USERS } from '../../../test/support/falkordb-test-server';
import { MAX_TIMER_MS } from '../../common/deadline';
import { UserConnection, UserConnectionFactory } from './user-connection.factory';
import { OpenedUserConnection, PooledConnectionClosedError, UserConnectionPool } from './user-connection-pool';

const MINUTE = 60_000;

/**
 * The pool's timers (idle close, expiry) run on Vitest's fake clock; the connections are real ones to
 * a real FalkorDB (sockets are I/O, not timers, so they keep working while the clock is fake).
 */
describe('UserConnectionPool (real FalkorDB connections, fake clock)', () => {
  let server: FalkorDbTestServer;
  let pool: UserConnectionPool;
  let opened: UserConnection[];
  const factory = new UserConnectionFactory();

  /** Opens a real connection as the Read-Only test user, valid until `validUntil`. */
  const opener = (validUntil: number | null = null) => async (): Promise<OpenedUserConnection> => {
    const { username, password } = TEST_USERS.reader;
    const connection = await factory.open({ host: '127.0.0.1', port: server.port, tls: false }, { username, password });
    opened.push(connection);
    return { connection, validUntil };
  };
  /** Runs a PING on the credential's connection and returns the connection it ran on. */
  const ping = (credentialId: string, open = opener()) =>
    pool.use(credentialId, open, async (connection) => {
      await connection.sendCommand(['PING']);
      return connection;
    });

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  beforeEach(() => {
    // Only timers and Date are fake: sockets, nextTick and setImmediate stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    pool = new UserConnectionPool();
    opened = [];
  });

  afterEach(() => {
    pool.onApplicationShutdown();
    vi.useRealTimers();
  });

  it('closes a connection the moment its credential expires', async () => {
    const connection = await ping('expiring', opener(Date.now() + MINUTE));
    vi.advanceTimersByTime(MINUTE - 1);
    expect(pool.has('expiring')).toBe(true);
    expect(connection.isOpen).toBe(true);
    vi.advanceTimersByTime(1);
    expect(pool.has('expiring')).toBe(false);
    expect(connection.isOpen).toBe(false);
  });

  it('closes a credential valid for longer than one timer can wait at the right time (the timer is re-armed)', async () => {
    pool.configure({ idleTimeoutMs: MAX_TIMER_MS });
    const validUntil = Date.now() + MAX_TIMER_MS + MINUTE;
    const connection = await ping('long-lived', opener(validUntil));
    vi.advanceTimersByTime(MAX_TIMER_MS - 1);
    // Used once more, so that idleness does not close it first.
    await ping('long-lived');
    vi.advanceTimersByTime(MINUTE);
    expect(Date.now()).toBe(validUntil - 1);
    expect(connection.isOpen).toBe(true);
    vi.advanceTimersByTime(1);
    expect(pool.has('long-lived')).toBe(false);
    expect(connection.isOpen).toBe(false);
  });

  it('closes a connection nobody used for idleTimeoutMs, but never one in use', async () => {
    pool.configure({ idleTimeoutMs: 1000 });
    const idle = await ping('idle');
    vi.advanceTimersByTime(999);
    expect(pool.has('idle')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(pool.has('idle')).toBe(false);
    expect(idle.isOpen).toBe(false);

    let started!: () => void;
    let finish!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const busy = pool.use('busy', opener(), () => {
      started();
      return new Promise<void>((resolve) => (finish = resolve));
    });
    await running;
    vi.advanceTimersByTime(10_000);
    expect(pool.has('busy')).toBe(true);
    finish();
    await busy;
    vi.advanceTimersByTime(999);
    expect(pool.has('busy')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(pool.has('busy')).toBe(false);
  });

  it('keeps at most maxSize connections, closing the least recently used first', async () => {
    pool.configure({ maxSize: 2 });
    const first = await ping('first');
    await ping('second');
    await ping('first');
    await ping('third');
    expect([pool.has('first'), pool.has('second'), pool.has('third')]).toEqual([true, false, true]);
    expect(pool.size).toBe(2);
    expect(first.isOpen).toBe(true);
  });

  it('opens one connection for concurrent callers of one credential, and one per credential', async () => {
    const connections = await Promise.all([ping('shared'), ping('shared'), ping('shared'), ping('other')]);
    expect(opened).toHaveLength(2);
    expect(connections[0]).toBe(connections[1]);
    expect(connections[0]).toBe(connections[2]);
    expect(connections[3]).not.toBe(connections[0]);
  });

  it('evict closes at once; a connection evicted while still opening is never handed out', async () => {
    const connection = await ping('evicted');
    pool.evict('evicted');
    expect(pool.has('evicted')).toBe(false);
    expect(connection.isOpen).toBe(false);

    const opening = ping('revoked-while-opening');
    pool.evict('revoked-while-opening');
    await expect(opening).rejects.toThrow(PooledConnectionClosedError);
    expect(opened.at(-1)?.isOpen).toBe(false);
  });

  it('replaces a connection that broke with a fresh one', async () => {
    const first = await ping('broken');
    first.destroy();
    const second = await ping('broken');
    expect(second).not.toBe(first);
    expect(second.isOpen).toBe(true);
  });

  it('forgets a connection that could not be opened, so the next call tries again', async () => {
    const failing = () => Promise.reject(new Error('cannot connect'));
    await expect(pool.use('flaky', failing, () => Promise.resolve())).rejects.toThrow('cannot connect');
    expect(pool.has('flaky')).toBe(false);
    await ping('flaky');
    expect(pool.has('flaky')).toBe(true);
  });

  it('refuses invalid limits with a message naming each', () => {
    expect(() => pool.configure({ maxSize: 0, idleTimeoutMs: MAX_TIMER_MS + 1 })).toThrow(
      `Invalid user connection pool limits: maxSize must be a positive integer, got 0; idleTimeoutMs must be a positive integer of at most ${MAX_TIMER_MS}, got ${MAX_TIMER_MS + 1}`,
    );
  });
});
