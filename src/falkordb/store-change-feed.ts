import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import { FalkorDbConnection } from './falkordb-connection';
import { errorMessage } from '../common/error-message';

/** How long a barrier waits for its reply before the caller reads the store instead. */
const BARRIER_TIMEOUT_MS = 1000;

/**
 * The plain key, next to the store graph, that names the store's current incarnation: a random
 * value set once (SET NX) and read by every barrier. Whatever replaces the store without an
 * invalidation for its graph key (SWAPDB brings in another database's keys; FLUSHALL or FLUSHDB
 * takes this key with the graph) leaves this key missing or different, so nothing remembered from
 * the old store is trusted.
 */
export function storeEpochKey(tokenGraph: string): string {
  return `falkordb-pat:${tokenGraph}:epoch`;
}

type FeedClient = {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  destroy(): void;
  readonly isReady: boolean;
  readonly isOpen: boolean;
  duplicate(overrides: object): FeedClient;
};

/**
 * Tells this instance when the token store may have changed, whoever changed it: FalkorDB pushes an
 * invalidation for every write to the store graph (broadcast client tracking, RESP3, on this feed's
 * own connection). `generation` changes with every invalidation and with any doubt about the
 * connection; `barrier()` waits until every write finished before it was called has been heard of
 * (and reads the store's epoch, so a swapped or flushed store voids everything too), or answers
 * undefined and the caller reads the store. Why that is enough: docs/architecture.md, "Remembered
 * reads". Messages the instances publish to each other (`onMessage`) come on the same connection:
 * any FalkorDB user may publish, so they may only ever make a listener refuse more.
 */
@Injectable()
export class StoreChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StoreChangeFeed');
  private client?: FeedClient;
  private live = false;
  /** Bumped by every event that may leave remembered store reads stale. */
  private currentGeneration = 0;
  /** Identifies one connection of the feed; a tracking setup finishing on an older one is ignored. */
  private connectionEpoch = 0;
  private readonly listeners = new Set<() => void>();
  private readonly replacedListeners = new Set<() => void>();
  /** The store's epoch as last read on the current connection (undefined: not read yet). */
  private epoch?: string;
  private readonly epochKey: string;
  private readonly messageListeners = new Map<string, Set<(message: string) => void>>();
  /** The epoch read the callers of this event-loop turn wait for (not sent yet). */
  private gathering?: Promise<number | undefined>;
  private warnedDown = false;
  /** Channels a subscription was refused for, warned about once each. */
  private readonly refusedChannels = new Set<string>();
  private stopped = false;

  constructor(private readonly connection: FalkorDbConnection) {
    this.epochKey = storeEpochKey(connection.tokenGraph);
  }

  /** After every module's init: the store connection (FalkorDbConnection.onModuleInit) is open by then. */
  async onApplicationBootstrap(): Promise<void> {
    // After a failover the store client is a new one, on the new primary: so is the feed's.
    this.connection.onPrimaryChange(() => void this.attach());
    await this.attach();
  }

  /** (Re)opens the feed's own connection next to the store connection's current one. */
  private async attach(): Promise<void> {
    if (this.stopped) return;
    const previous = this.client;
    this.client = undefined;
    this.connectionEpoch++;
    this.setDown();
    if (previous?.isOpen) previous.destroy();
    let base: FeedClient;
    try {
      base = await this.connection.falkordb.connection;
    } catch {
      return; // no store client: stays down, every read goes to the store
    }
    if (this.stopped || this.client) return;
    // Same server, credentials and reconnect policy as the store connection; RESP3 for pushes.
    const client = base.duplicate({ RESP: 3, emitInvalidate: true, maintNotifications: 'disabled', clientSideCache: undefined });
    this.client = client;
    // A replaced client's late events (its 'end' after destroy) must not touch the current one's state.
    const current = (): boolean => this.client === client;
    client.on('invalidate', (key: unknown) => current() && this.changed(key));
    for (const event of ['connect', 'error', 'reconnecting', 'end']) client.on(event, () => current() && this.lost(event));
    client.on('ready', () => current() && void this.track());
    // Startup does not wait: until tracking is confirmed every read simply goes to the store.
    client.connect().catch((error: unknown) => current() && this.lost(`connect: ${errorMessage(error)}`));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.setDown();
    if (this.client?.isOpen) this.client.destroy();
    this.client = undefined;
  }

  /** The current generation, or undefined while the feed cannot vouch for anything. */
  get generation(): number | undefined {
    return this.live ? this.currentGeneration : undefined;
  }

  /** Calls `listener` whenever the generation changes (to drop what was remembered under the old one). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Calls `listener` when the store was replaced or emptied under the service (another epoch, or
   * none): its schema may have to be created again.
   */
  onStoreReplaced(listener: () => void): () => void {
    this.replacedListeners.add(listener);
    return () => this.replacedListeners.delete(listener);
  }

  /**
   * Calls `listener` with every message published on `channel` while the feed is connected
   * (subscribed again on every new connection of the feed).
   */
  onMessage(channel: string, listener: (message: string) => void): () => void {
    let listeners = this.messageListeners.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.messageListeners.set(channel, listeners);
      if (this.live && this.client) void this.subscribe(this.client, channel);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Resolves to the generation current once every store write finished before this call has been
   * signalled here, or undefined when that cannot be established (feed down, the read failed or was
   * slow, or the store was replaced).
   */
  barrier(): Promise<number | undefined> {
    if (!this.live || !this.client) return Promise.resolve(undefined);
    // Callers until the next check phase share one read, sent only then: every one of them called
    // (so its request had arrived) before the read existed. Reads of successive turns overlap.
    this.gathering ??= new Promise((resolve) => {
      setImmediate(() => {
        this.gathering = undefined;
        void this.epochUnchanged().then((unchanged) => resolve(unchanged ? this.currentGeneration : undefined));
      });
    });
    return this.gathering;
  }

  /**
   * Reads the store's epoch on the feed's connection: true when it is the one this feed knows (and
   * the connection is still the one that asked), false otherwise or when the read fails or is slow.
   */
  private async epochUnchanged(): Promise<boolean> {
    const client = this.client;
    if (!this.live || !client) return false;
    const epoch = this.connectionEpoch;
    try {
      const storeEpoch = await withDeadline(client.sendCommand(['GET', this.epochKey]), BARRIER_TIMEOUT_MS);
      return this.live && epoch === this.connectionEpoch && this.sameEpoch(storeEpoch);
    } catch {
      return false;
    }
  }

  /**
   * True when `storeEpoch` (just read) is the epoch this feed knows. Otherwise the store was
   * replaced or emptied: everything remembered is void, the new epoch is adopted (a missing one is
   * created), and the listeners are told.
   */
  private sameEpoch(storeEpoch: unknown): boolean {
    const value = typeof storeEpoch === 'string' ? storeEpoch : storeEpoch instanceof Buffer ? storeEpoch.toString() : undefined;
    if (value !== undefined && value === this.epoch) return true;
    this.epoch = value;
    this.bump();
    if (value === undefined) void this.establishEpoch();
    for (const listener of this.replacedListeners) listener();
    return false;
  }

  /** Sets the store's epoch if it has none, and learns it (the first instance's value wins). */
  private async establishEpoch(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const epoch = this.connectionEpoch;
    try {
      const value = await this.setEpochIfMissing(client);
      if (epoch === this.connectionEpoch && this.epoch === undefined) this.epoch = value;
    } catch {
      // The next barrier reads it again (and fails closed meanwhile).
    }
  }

  /** SET NX a new epoch, then read the one the store holds (the first writer's). */
  private async setEpochIfMissing(client: FeedClient): Promise<string | undefined> {
    await client.sendCommand(['SET', this.epochKey, randomBytes(16).toString('base64url'), 'NX']);
    const value: unknown = await client.sendCommand(['GET', this.epochKey]);
    return typeof value === 'string' ? value : undefined;
  }

  /** Turns broadcast tracking of the store graph on for this (new) connection. */
  private async track(): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    const epoch = ++this.connectionEpoch;
    try {
      // The client's handshake turned default-mode tracking on; broadcast mode needs it off first.
      await client.sendCommand(['CLIENT', 'TRACKING', 'OFF']);
      // One prefix when the graph's name already covers the epoch key (overlapping prefixes are refused).
      const graph = this.connection.tokenGraph;
      const prefixes = this.epochKey.startsWith(graph) ? [graph] : [graph, this.epochKey];
      await client.sendCommand(['CLIENT', 'TRACKING', 'ON', 'BCAST', ...prefixes.flatMap((prefix) => ['PREFIX', prefix])]);
      // The epoch this connection vouches for from now on (created by the first instance to start).
      const current = await this.setEpochIfMissing(client);
      if (epoch === this.connectionEpoch) this.epoch = current;
    } catch (error) {
      if (epoch === this.connectionEpoch && !this.warnedDown) {
        this.warnedDown = true;
        this.logger.warn(`Store change tracking unavailable (${errorMessage(error)}): every request reads the store`);
      }
      return;
    }
    if (epoch !== this.connectionEpoch || this.stopped) return;
    // Subscribing twice on one client is a no-op (the client also resubscribes after its own reconnects).
    await Promise.all([...this.messageListeners.keys()].map((channel) => this.subscribe(client, channel)));
    if (epoch !== this.connectionEpoch || this.stopped) return;
    this.live = true;
    this.bump();
    if (this.warnedDown) this.logger.log('Store change tracking available again');
    this.warnedDown = false;
  }

  /** One function for every subscription, so subscribing again adds no second listener. */
  private readonly dispatch = (message: string, channel: string): void => {
    for (const listener of this.messageListeners.get(channel) ?? []) listener(message);
  };

  private async subscribe(client: FeedClient, channel: string): Promise<void> {
    try {
      await client.subscribe(channel, this.dispatch);
    } catch (error) {
      // A lost connection says so through its own events; a refusal (the ACL) is said here, once.
      if (!client.isReady || this.refusedChannels.has(channel)) return;
      this.refusedChannels.add(channel);
      this.logger.warn(`Subscribing to ${channel} was refused (${errorMessage(error)}): its messages are not heard`);
    }
  }

  /**
   * The connection failed or is being replaced: nothing is vouched for until tracking is confirmed
   * again. A socket that is in fact still usable gets tracking re-established at once; a broken one
   * does when the client's reconnect emits 'ready'.
   */
  private lost(event: string): void {
    this.connectionEpoch++;
    this.setDown();
    if (event === 'error' && this.client?.isReady && !this.stopped) void this.track();
  }

  private setDown(): void {
    if (!this.live) return;
    this.live = false;
    this.bump();
  }

  /**
   * An invalidation: `key` was written (the store graph, or its epoch), or null when the database
   * was flushed. Either of the latter may mean the store is gone: the epoch is read again now.
   */
  private changed(key: unknown): void {
    this.bump();
    const name = key instanceof Buffer ? key.toString() : key;
    if (name === null || name === this.epochKey) void this.epochUnchanged();
  }

  private bump(): void {
    this.currentGeneration++;
    for (const listener of this.listeners) listener();
  }
}
