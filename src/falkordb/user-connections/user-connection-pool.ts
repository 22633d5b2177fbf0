import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { FALKORDB_MODULE_OPTIONS } from '../falkordb.module-definition';
import type { FalkorDbModuleOptions } from '../falkordb.options';
import { UserConnection } from './user-connection.factory';
import { FalkorDbConnection } from '../falkordb-connection';
import { MAX_TIMER_MS } from '../../common/deadline';

export interface UserConnectionPoolLimits {
  /** Most connections kept open at once; opening one more closes the least recently used. */
  maxSize: number;
  /** A connection nobody has used for this long is closed. */
  idleTimeoutMs: number;
}

export const DEFAULT_USER_CONNECTION_POOL_LIMITS: Readonly<UserConnectionPoolLimits> = { maxSize: 100, idleTimeoutMs: 60_000 };

/** A freshly opened connection and when the credential it belongs to stops being valid (null = never). */
export interface OpenedUserConnection {
  connection: UserConnection;
  validUntil: number | null;
}

/** The pooled connection was closed (revoked, expired or pushed out) before this caller could use it. */
export class PooledConnectionClosedError extends Error {
  constructor() {
    super('The pooled FalkorDB connection was closed before it could be used');
    this.name = 'PooledConnectionClosedError';
  }
}


interface PoolEntry {
  ready: Promise<UserConnection>;
  connection?: UserConnection;
  /** Callers currently running work on this connection: an entry in use is never closed for idleness. */
  inUse: number;
  /** When the last caller finished with it (epoch ms; a clock step only moves the next check, clamped below). */
  releasedAt: number;
  /** Armed once per idle stretch, not per use: when it fires it checks how long the entry has really been idle. */
  idleTimer?: NodeJS.Timeout;
  expiryTimer?: NodeJS.Timeout;
}

/** Closing a client that is already closed throws; here it is simply a no-op. */
function shutDown(connection: UserConnection, how: 'close' | 'destroy'): void {
  if (!connection.isOpen) return;
  if (how === 'destroy') connection.destroy();
  else connection.close().catch(() => undefined);
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/**
 * Connections opened as individual FalkorDB ACL users, one per credential (a token id or a session
 * id: two tokens of one user never share a connection). Bounded (least recently used goes first),
 * closed when idle, and closed at once when the credential expires or `evict` is called (revocation,
 * logout, a failed authentication).
 */
@Injectable()
export class UserConnectionPool implements OnApplicationShutdown {
  // A Map iterates in insertion order; re-inserting on every use keeps the least recently used first.
  private readonly entries = new Map<string, PoolEntry>();
  private limits: UserConnectionPoolLimits = { ...DEFAULT_USER_CONNECTION_POOL_LIMITS };

  constructor(@Optional() @Inject(FALKORDB_MODULE_OPTIONS) options?: FalkorDbModuleOptions, @Optional() store?: FalkorDbConnection) {
    if (options?.userConnections) this.configure(options.userConnections);
    // After a failover every pooled connection points at the old primary: the next use opens one to the new.
    store?.onPrimaryChange(() => this.closeAll());
  }

  /** Changes the limits (FalkorDbModule's `userConnections` option sets them); a smaller pool shrinks at once. */
  configure(limits: Partial<UserConnectionPoolLimits>): void {
    const next = { ...this.limits };
    if (limits.maxSize !== undefined) next.maxSize = limits.maxSize;
    if (limits.idleTimeoutMs !== undefined) next.idleTimeoutMs = limits.idleTimeoutMs;
    const problems: string[] = [];
    if (!isPositiveInteger(next.maxSize)) problems.push(`maxSize must be a positive integer, got ${String(next.maxSize)}`);
    if (!isPositiveInteger(next.idleTimeoutMs) || next.idleTimeoutMs > MAX_TIMER_MS) {
      problems.push(`idleTimeoutMs must be a positive integer of at most ${MAX_TIMER_MS}, got ${String(next.idleTimeoutMs)}`);
    }
    if (problems.length) throw new Error(`Invalid user connection pool limits: ${problems.join('; ')}`);
    this.limits = next;
    this.closeOverflow();
  }

  get size(): number {
    return this.entries.size;
  }

  has(credentialId: string): boolean {
    return this.entries.has(credentialId);
  }

  /**
   * Runs `work` on the credential's connection, opening it with `open` when there is none (or the
   * pooled one broke). Concurrent callers for one credential share a single opening connection.
   */
  async use<T>(credentialId: string, open: () => Promise<OpenedUserConnection>, work: (connection: UserConnection) => Promise<T>): Promise<T> {
    let entry = this.entries.get(credentialId);
    if (entry?.connection && !entry.connection.isOpen) {
      this.remove(credentialId, entry, 'destroy');
      entry = undefined;
    }
    if (entry) {
      this.entries.delete(credentialId);
      this.entries.set(credentialId, entry);
    } else {
      entry = this.add(credentialId, open);
    }
    entry.inUse += 1;
    try {
      return await work(await entry.ready);
    } finally {
      entry.inUse -= 1;
      if (this.entries.get(credentialId) === entry) {
        // A connection that broke during the work is dropped, so the next call opens a fresh one.
        if (entry.connection && !entry.connection.isOpen) this.remove(credentialId, entry, 'destroy');
        else if (entry.inUse === 0) this.armIdleTimer(credentialId, entry);
      }
    }
  }

  /** Closes the credential's connection at once (commands still running on it fail). */
  evict(credentialId: string): void {
    const entry = this.entries.get(credentialId);
    if (entry) this.remove(credentialId, entry, 'destroy');
  }

  onApplicationShutdown(): void {
    this.closeAll();
  }

  /** Closes every connection at once (commands still running on them fail). */
  closeAll(): void {
    for (const [credentialId, entry] of [...this.entries]) this.remove(credentialId, entry, 'destroy');
  }

  private add(credentialId: string, open: () => Promise<OpenedUserConnection>): PoolEntry {
    // `ready` is set right below: its callbacks need the entry itself, to tell whether it was evicted meanwhile.
    const entry = { inUse: 0, releasedAt: 0 } as PoolEntry;
    entry.ready = open().then(
      ({ connection, validUntil }) => {
        if (this.entries.get(credentialId) !== entry) {
          // Evicted while it was being opened (e.g. revoked meanwhile): nobody may use it.
          shutDown(connection, 'destroy');
          throw new PooledConnectionClosedError();
        }
        entry.connection = connection;
        if (validUntil !== null) this.armExpiryTimer(credentialId, entry, validUntil);
        return connection;
      },
      (error: unknown) => {
        if (this.entries.get(credentialId) === entry) this.entries.delete(credentialId);
        throw error;
      },
    );
    // Every caller awaits `ready` itself; this only keeps a failed open from counting as unhandled.
    entry.ready.catch(() => undefined);
    this.entries.set(credentialId, entry);
    this.closeOverflow();
    return entry;
  }

  private closeOverflow(): void {
    while (this.entries.size > this.limits.maxSize) {
      const [credentialId, entry] = this.entries.entries().next().value as [string, PoolEntry];
      // Graceful: commands already sent on it still get their replies.
      this.remove(credentialId, entry, 'close');
    }
  }

  private armIdleTimer(credentialId: string, entry: PoolEntry): void {
    entry.releasedAt = Date.now();
    if (!entry.idleTimer) this.scheduleIdleCheck(credentialId, entry, this.limits.idleTimeoutMs);
  }

  private scheduleIdleCheck(credentialId: string, entry: PoolEntry, afterMs: number): void {
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = undefined;
      // In use now: armed again when the last caller finishes.
      if (this.entries.get(credentialId) !== entry || entry.inUse > 0) return;
      const idleForMs = Date.now() - entry.releasedAt;
      if (idleForMs >= this.limits.idleTimeoutMs) this.remove(credentialId, entry, 'close');
      // Never longer than a whole timeout (the clock stepped back) and never a busy loop.
      else this.scheduleIdleCheck(credentialId, entry, Math.min(this.limits.idleTimeoutMs, Math.max(1, Math.ceil(this.limits.idleTimeoutMs - idleForMs))));
    }, afterMs);
    entry.idleTimer.unref();
  }

  private armExpiryTimer(credentialId: string, entry: PoolEntry, validUntil: number): void {
    const remaining = validUntil - Date.now();
    entry.expiryTimer = setTimeout(
      () => {
        if (this.entries.get(credentialId) !== entry) return;
        if (Date.now() >= validUntil) this.remove(credentialId, entry, 'destroy');
        else this.armExpiryTimer(credentialId, entry, validUntil);
      },
      Math.min(Math.max(remaining, 0), MAX_TIMER_MS),
    );
    entry.expiryTimer.unref();
  }

  private remove(credentialId: string, entry: PoolEntry, how: 'close' | 'destroy'): void {
    if (this.entries.get(credentialId) === entry) this.entries.delete(credentialId);
    clearTimeout(entry.idleTimer);
    clearTimeout(entry.expiryTimer);
    // A connection still being opened is destroyed by `add` once it arrives.
    if (entry.connection) shutDown(entry.connection, how);
  }
}
