import { onTestFinished, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AuthHarness } from '../../../test/support/auth-harness';
import { MemorySharedStateStorage, ScriptedSharedStateStorage, UnavailableSharedStateStorage } from '../../../test/support/memory-shared-state-storage';
import { TooManyAttemptsError } from '../auth-errors';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { AttemptLimiter } from '../attempt-limiter';
import { validateAuthOptions } from '../auth.options';
import { SharedAdminConfirmations } from './shared-admin-confirmations';

const GRAPH = 'unit_shared_state_storage';
const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const LIMITS = { windowSeconds: 60, maxLoginFailuresPerUsername: 3 };
const fresh = (what: string): string => `${what}-${randomBytes(4).toString('hex')}`;

function isBlocked(limiter: AttemptLimiter, username: string): boolean {
  try {
    limiter.assertLoginAllowed(fresh('client'), username);
    return false;
  } catch (error) {
    if (error instanceof TooManyAttemptsError) return true;
    throw error;
  }
}

describe("A host's own shared state storage (real FalkorDB for everything else)", () => {
  const storage = new MemorySharedStateStorage();
  const down = new UnavailableSharedStateStorage();
  let a: AuthHarness;
  let b: AuthHarness;
  let alone: AuthHarness;

  beforeAll(async () => {
    a = await AuthHarness.start(GRAPH, USER, '3c'.repeat(32), { bruteForce: LIMITS, sharedStateStorage: storage });
    b = await a.anotherInstance({ bruteForce: LIMITS, sharedStateStorage: storage });
    alone = await a.anotherInstance({ bruteForce: LIMITS, sharedStateStorage: down });
  });

  afterAll(async () => {
    await alone?.close();
    await b?.close();
    await a?.close();
  });

  it('shares failed attempts between instances through it, and writes none of them to FalkorDB', async () => {
    const username = fresh('guessed');
    await a.get(AttemptLimiter).recordLoginFailure(fresh('client'), username);
    await a.get(AttemptLimiter).recordLoginFailure(fresh('client'), username);
    expect(isBlocked(b.get(AttemptLimiter), username)).toBe(false);
    await b.get(AttemptLimiter).recordLoginFailure(fresh('client'), username);
    expect(isBlocked(b.get(AttemptLimiter), username)).toBe(true);

    expect(storage.failures.size).toBeGreaterThan(0);
    expect([...storage.failures.keys()].every((key) => key.startsWith(`falkordb-pat:${GRAPH}:failures:`))).toBe(true);
    const keys = await a.get(FalkorDbConnection).command(['KEYS', `falkordb-pat:${GRAPH}:failures:*`]);
    expect(keys).toEqual([]);
  });

  it('shares Admin confirmations through it, and ignores one written there without the MAC', async () => {
    // The clock stands still: the storage reckons expiry on it, and a millisecond passing between the write and the read would show.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const now = Date.now();
    const tokenId = fresh('token');
    await a.get(SharedAdminConfirmations).write(tokenId, 'Admin', now + 30_000, now);
    await expect(b.get(SharedAdminConfirmations).read(tokenId, now)).resolves.toEqual({ role: 'Admin', trustedUntil: now + 30_000 });

    const forged = fresh('token');
    storage.values.set(`falkordb-pat:${GRAPH}:admin-role:${forged}`, { value: JSON.stringify({ role: 'Admin', until: now + 30_000, mac: 'a1.forged' }), expiresAt: now + 30_000 });
    await expect(b.get(SharedAdminConfirmations).read(forged, now)).resolves.toBeUndefined();
  });

  it('keeps counting on each instance alone while the storage is down (the login path never fails for it)', async () => {
    const username = fresh('guessed');
    const limiter = alone.get(AttemptLimiter);
    for (let attempt = 0; attempt < 3; attempt++) await limiter.recordLoginFailure(fresh('client'), username);
    expect(down.calls).toBeGreaterThanOrEqual(3);
    expect(isBlocked(limiter, username)).toBe(true);
    await expect(alone.get(SharedAdminConfirmations).read(fresh('token'), Date.now())).resolves.toBeUndefined();
  });

  it("takes a storage's answers for no more than they are: numbers as strings count once, garbage counts nothing", async () => {
    const now = Date.now();
    const asStrings = await a.anotherInstance({ bruteForce: LIMITS, sharedStateStorage: new ScriptedSharedStateStorage(() => Promise.resolve([String(now - 1000), String(now - 500)])) });
    const garbage = await a.anotherInstance({ bruteForce: LIMITS, sharedStateStorage: new ScriptedSharedStateStorage(() => Promise.resolve('not a list')) });
    try {
      const username = fresh('guessed');
      // Two failures elsewhere plus this one reach the limit of 3.
      await asStrings.get(AttemptLimiter).recordLoginFailure(fresh('client'), username);
      expect(isBlocked(asStrings.get(AttemptLimiter), username)).toBe(true);

      await garbage.get(AttemptLimiter).recordLoginFailure(fresh('client'), username);
      expect(isBlocked(garbage.get(AttemptLimiter), username)).toBe(false);
      await expect(garbage.get(SharedAdminConfirmations).read(fresh('token'), now)).resolves.toBeUndefined();
    } finally {
      await garbage.close();
      await asStrings.close();
    }
  });

  it('counts a storage that does not answer within 5 s as down: the request goes on without it', async () => {
    const silent = await a.anotherInstance({ bruteForce: LIMITS, sharedStateStorage: new ScriptedSharedStateStorage(() => new Promise(() => undefined)) });
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
      const username = fresh('guessed');
      let settled = false;
      const recorded = silent.get(AttemptLimiter).recordLoginFailure(fresh('client'), username).then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(4_999);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await recorded;
      expect(settled).toBe(true);
    } finally {
      vi.useRealTimers();
      await silent.close();
    }
  });

  it('refuses a storage without the three methods, or one given with sharedState instance', () => {
    const base = { jwtSecret: 'j'.repeat(32), sessionSecret: 's'.repeat(32), encryptionKey: 'ab'.repeat(32) };
    expect(() => validateAuthOptions({ ...base, sharedStateStorage: {} as never })).toThrow('sharedStateStorage must have the methods appendFailure, readExpiring and writeExpiring');
    expect(() => validateAuthOptions({ ...base, sharedStateStorage: storage, sharedState: 'instance' })).toThrow("sharedStateStorage is never used with sharedState 'instance'");
  });
});
