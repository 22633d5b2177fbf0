import { createClient } from '@redis/client';
import { parseSwitchMaster } from './sentinel-replies';
import { Credentials, HostAndPort } from './sentinel-options';
import { errorMessage } from '../../common/error-message';

export interface SwitchMasterWatchOptions {
  sentinels: readonly HostAndPort[];
  masterName: string;
  credentials?: Credentials;
  connectTimeoutMs: number;
  /** A sentinel announced that `masterName` now lives at `primary`. */
  onSwitch(primary: HostAndPort, sentinel: HostAndPort): void;
  /**
   * A subscription is (again) in place. Announcements made while it was not are lost, so this is
   * the moment to re-resolve.
   */
  onSubscribed(sentinel: HostAndPort): void;
  /** A subscription failed or was lost (`failures` in a row, 1 for the first); it is retried after `retryInMs`. */
  onLost(sentinel: HostAndPort, reason: string, failures: number, retryInMs: number): void;
}

/** A plain RESP2 connection to one sentinel; it reconnects only when told to (see SwitchMasterWatch). */
function connectionTo(sentinel: HostAndPort, credentials: Credentials | undefined, connectTimeoutMs: number) {
  return createClient({
    socket: { host: sentinel.host, port: sentinel.port, connectTimeout: connectTimeoutMs, reconnectStrategy: false },
    username: credentials?.username,
    password: credentials?.password,
    disableClientInfo: true,
  });
}

type Subscriber = ReturnType<typeof connectionTo>;

/** One sentinel's subscription: its current client, or the timer that will make the next one. */
interface Slot {
  sentinel: HostAndPort;
  client?: Subscriber;
  retryTimer?: NodeJS.Timeout;
  failures: number;
}

const SWITCH_MASTER_CHANNEL = '+switch-master';
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

/**
 * Listens on every sentinel for `+switch-master`, the announcement a sentinel publishes when a
 * failover has made another server the primary. Every sentinel publishes it, so one that is up is
 * enough. Reconnection is done here rather than by the client's reconnect strategy so that every
 * wait is an unref'd timer that close() clears: nothing lingers and nothing keeps Node.js alive.
 */
export class SwitchMasterWatch {
  private readonly slots: Slot[];
  private closed = false;

  constructor(private readonly options: SwitchMasterWatchOptions) {
    this.slots = options.sentinels.map((sentinel) => ({ sentinel, failures: 0 }));
  }

  start(): void {
    for (const slot of this.slots) this.subscribe(slot);
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots) {
      clearTimeout(slot.retryTimer);
      slot.retryTimer = undefined;
      const client = slot.client;
      slot.client = undefined;
      if (client?.isOpen) client.destroy();
    }
  }

  private subscribe(slot: Slot): void {
    if (this.closed) return;
    const { sentinel } = slot;
    const client = connectionTo(sentinel, this.options.credentials, this.options.connectTimeoutMs);
    slot.client = client;
    // A watch alone is no reason to keep Node.js alive (close() ends it either way).
    client.unref();
    client.on('error', (error: unknown) => this.lost(slot, client, error));
    client
      .connect()
      .then(() => client.subscribe(SWITCH_MASTER_CHANNEL, (message) => this.announced(message, sentinel)))
      .then(() => {
        if (slot.client !== client || this.closed) return;
        slot.failures = 0;
        this.options.onSubscribed(sentinel);
      })
      .catch((error: unknown) => this.lost(slot, client, error));
  }

  private announced(message: string, sentinel: HostAndPort): void {
    const change = parseSwitchMaster(message);
    if (change && change.masterName === this.options.masterName) this.options.onSwitch(change.to, sentinel);
  }

  /** The client may report one failure more than once (event and rejected promise): only the first counts. */
  private lost(slot: Slot, client: Subscriber, error: unknown): void {
    if (this.closed || slot.client !== client) return;
    slot.client = undefined;
    if (client.isOpen) client.destroy();
    const retryInMs = Math.min(FIRST_RETRY_MS * 2 ** slot.failures, MAX_RETRY_MS);
    slot.failures += 1;
    this.options.onLost(slot.sentinel, errorMessage(error), slot.failures, retryInMs);
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      this.subscribe(slot);
    }, retryInMs);
    slot.retryTimer.unref();
  }
}
