import { ExpiringValue, SharedStateStorage } from '../../src/auth/shared-state/shared-state-storage';

/** A host's own SharedStateStorage, as simple as one can be: a Map several instances share. */
export class MemorySharedStateStorage implements SharedStateStorage {
  readonly failures = new Map<string, number[]>();
  readonly values = new Map<string, { value: string; expiresAt: number }>();
  calls = 0;

  appendFailure(key: string, now: number, windowMs: number, limit: number): Promise<number[]> {
    this.calls++;
    const times = [...(this.failures.get(key) ?? []), now].slice(-limit);
    this.failures.set(key, times);
    return Promise.resolve(times.filter((time) => time > now - windowMs));
  }

  readExpiring(key: string): Promise<ExpiringValue | undefined> {
    this.calls++;
    const stored = this.values.get(key);
    const remainingMs = stored ? stored.expiresAt - Date.now() : 0;
    return Promise.resolve(stored && remainingMs > 0 ? { value: stored.value, remainingMs } : undefined);
  }

  writeExpiring(key: string, value: string, ttlMs: number): Promise<void> {
    this.calls++;
    this.values.set(key, { value, expiresAt: Date.now() + ttlMs });
    return Promise.resolve();
  }
}

/** A storage that is down: every operation rejects. */
export class UnavailableSharedStateStorage implements SharedStateStorage {
  calls = 0;

  appendFailure(): Promise<number[]> {
    return this.refuse();
  }

  readExpiring(): Promise<ExpiringValue | undefined> {
    return this.refuse();
  }

  writeExpiring(): Promise<void> {
    return this.refuse();
  }

  private refuse(): Promise<never> {
    this.calls++;
    return Promise.reject(new Error('connection refused'));
  }
}

/** A storage whose answers are whatever `answer` says (strings, garbage, a promise that never settles). */
export class ScriptedSharedStateStorage implements SharedStateStorage {
  constructor(private readonly answer: () => Promise<unknown>) {}

  appendFailure(): Promise<number[]> {
    return this.answer() as Promise<number[]>;
  }

  readExpiring(): Promise<ExpiringValue | undefined> {
    return this.answer() as Promise<ExpiringValue | undefined>;
  }

  writeExpiring(): Promise<void> {
    return this.answer() as Promise<void>;
  }
}
