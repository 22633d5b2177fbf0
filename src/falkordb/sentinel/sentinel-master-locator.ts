import { confirmsPrimary, findPrimary, sameAddress } from './find-primary';
import {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  describeAddress,

  HostAndPort,
  LocatorLogger,
  SentinelMasterLocatorOptions,
} from './sentinel-options';
import { SwitchMasterWatch } from './switch-master-watch';
import { errorMessage } from '../../common/error-message';

/** Why the locator looked again: shown in its log messages. */
export type LookupReason = 'start' | 'refresh' | 'poll' | 'subscribed' | 'announcement';

export interface PrimaryChange {
  primary: HostAndPort;
  /** Undefined for the first primary found. */
  previous?: HostAndPort;
  reason: LookupReason;
}

export type PrimaryChangeListener = (change: PrimaryChange) => void;

/**
 * Knows which data server is the primary of a Valkey Sentinel deployment, and notices when a
 * failover moves it:
 *
 * - it asks the sentinels in turn (`SENTINEL GET-MASTER-ADDR-BY-NAME`) and believes a named server
 *   only once it answers ROLE as master;
 * - it subscribes to `+switch-master` on every sentinel, so a failover is seen as soon as it is
 *   announced;
 * - `refresh()` looks again on demand (a caller that saw a connection error or a READONLY reply),
 *   and a periodic lookup catches what the subscriptions missed.
 *
 * Listeners of onChange() hear each new primary once. Lookups may overlap (an announcement arrives
 * while a periodic lookup runs): the result of a lookup that started earlier never replaces that
 * of one that started later, so a stale answer cannot undo a failover that was already seen.
 */
export class SentinelMasterLocator {
  private readonly masterName: string;
  private readonly requestTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: LocatorLogger;
  /** The sentinels, the one that answered last first. */
  private sentinels: HostAndPort[];
  private primary?: HostAndPort;
  private readonly listeners = new Set<PrimaryChangeListener>();
  private watch?: SwitchMasterWatch;
  private pollTimer?: NodeJS.Timeout;
  /** The lookup running now, and the one callers that came after it started are waiting for. */
  private running?: Promise<HostAndPort>;
  private queued?: Promise<HostAndPort>;
  private lookupsStarted = 0;
  private adoptedLookup = 0;
  private failing = false;
  private started = false;
  private closed = false;

  constructor(private readonly options: SentinelMasterLocatorOptions) {
    if (options.sentinels.length === 0) throw new Error('SentinelMasterLocator needs at least one sentinel');
    if (!options.masterName) throw new Error('SentinelMasterLocator needs the master name the sentinels monitor');
    this.masterName = options.masterName;
    this.sentinels = [...options.sentinels];
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.log = options.logger ?? (() => undefined);
  }

  /** Creates a locator and starts it (see start()). */
  static async start(options: SentinelMasterLocatorOptions): Promise<SentinelMasterLocator> {
    const locator = new SentinelMasterLocator(options);
    await locator.start();
    return locator;
  }

  /**
   * Starts watching, then resolves the primary. Rejects (PrimaryNotFoundError) when no sentinel
   * names a server that confirms being the primary, and then leaves nothing running.
   */
  async start(): Promise<HostAndPort> {
    if (this.started) throw new Error('SentinelMasterLocator was already started');
    this.started = true;
    // Subscriptions first: a failover announced while the first lookup runs is not missed.
    this.watch = new SwitchMasterWatch({
      sentinels: this.options.sentinels,
      masterName: this.masterName,
      credentials: this.options.sentinelCredentials,
      connectTimeoutMs: this.requestTimeoutMs,
      onSwitch: (primary, sentinel) => void this.checkAnnounced(primary, sentinel),
      onSubscribed: (sentinel) => {
        this.log('debug', `Subscribed to +switch-master on sentinel ${describeAddress(sentinel)}`);
        // Announcements made while this subscription was down are lost: look again (the first
        // subscription after start overlaps the first lookup and just joins the queue).
        this.lookInBackground('subscribed');
      },
      onLost: (sentinel, reason, failures) => {
        // Once per outage of a sentinel, not once per retry.
        if (failures === 1) this.log('debug', `Subscription on sentinel ${describeAddress(sentinel)} lost (${reason}); retrying until it is back`);
      },
    });
    this.watch.start();
    try {
      const primary = await this.lookup('start');
      if (this.pollIntervalMs > 0 && !this.closed) {
        this.pollTimer = setInterval(() => this.lookInBackground('poll'), this.pollIntervalMs);
        // A fallback check is no reason to keep Node.js alive.
        this.pollTimer.unref();
      }
      return primary;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The last confirmed primary; undefined before the first one was found. */
  get current(): HostAndPort | undefined {
    return this.primary ? { ...this.primary } : undefined;
  }

  /** Calls `listener` with every new primary. Returns an unsubscribe function. */
  onChange(listener: PrimaryChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Looks the primary up again now, e.g. after a connection error or a READONLY reply. Resolves with
   * the primary as found by a lookup that started after this call, or rejects with
   * PrimaryNotFoundError (`current` then stays what it was).
   */
  refresh(): Promise<HostAndPort> {
    return this.lookup('refresh');
  }

  /** Stops watching; lookups still running finish but change nothing. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.watch?.close();
    this.watch = undefined;
    await Promise.allSettled([this.running, this.queued]);
  }

  /**
   * One lookup at a time: a caller arriving while one runs may have seen something that lookup
   * started too early to see, so it waits for the next one, which all such callers share.
   */
  private lookup(reason: LookupReason): Promise<HostAndPort> {
    if (this.closed) return Promise.reject(new Error('SentinelMasterLocator is closed'));
    if (!this.running) {
      this.running = this.runLookup(reason).finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.lookup(reason);
      });
    return this.queued;
  }

  private lookInBackground(reason: LookupReason): void {
    if (this.closed) return;
    // Failures are reported by runLookup (once per outage).
    this.lookup(reason).catch(() => undefined);
  }

  private async runLookup(reason: LookupReason): Promise<HostAndPort> {
    const lookup = ++this.lookupsStarted;
    try {
      const found = await findPrimary({
        sentinels: this.sentinels,
        masterName: this.masterName,
        sentinelCredentials: this.options.sentinelCredentials,
        dataCredentials: this.options.dataCredentials,
        requestTimeoutMs: this.requestTimeoutMs,
      });
      this.preferSentinel(found.sentinel);
      if (this.failing) this.log('log', `Primary of "${this.masterName}" found again at ${describeAddress(found.primary)}`);
      this.failing = false;
      this.adopt(found.primary, lookup, reason);
      // A later lookup may have adopted something newer meanwhile: that is the answer then.
      return this.current ?? found.primary;
    } catch (error) {
      if (!this.failing && !this.closed) this.log('warn', `Looking up the primary of "${this.masterName}" (${reason}) failed: ${errorMessage(error)}`);
      this.failing = true;
      throw error;
    }
  }

  /**
   * A sentinel announced a new primary: it is adopted as soon as it confirms its role, with no
   * further questions to sentinels. If it does not (yet), a full lookup decides.
   */
  private async checkAnnounced(announced: HostAndPort, sentinel: HostAndPort): Promise<void> {
    if (this.closed) return;
    if (sameAddress(announced, this.primary)) return; // every sentinel announces the same switch
    const lookup = ++this.lookupsStarted;
    this.log('debug', `Sentinel ${describeAddress(sentinel)} announced ${describeAddress(announced)} as primary of "${this.masterName}"`);
    if (await confirmsPrimary(announced, this.options.dataCredentials, this.requestTimeoutMs)) {
      this.adopt(announced, lookup, 'announcement');
    } else {
      this.lookInBackground('announcement');
    }
  }

  private adopt(primary: HostAndPort, lookup: number, reason: LookupReason): void {
    if (this.closed || lookup < this.adoptedLookup) return;
    this.adoptedLookup = lookup;
    const previous = this.primary;
    if (sameAddress(primary, previous)) return;
    this.primary = { host: primary.host, port: primary.port };
    this.log('log', `Primary of "${this.masterName}" is ${describeAddress(primary)}${previous ? ` (was ${describeAddress(previous)})` : ''}`);
    const change: PrimaryChange = { primary: { ...primary }, previous, reason };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log('warn', `A primary change listener failed: ${errorMessage(error)}`);
      }
    }
  }

  /** The sentinel that answered is asked first next time: a dead one at the head of the list costs a timeout per lookup. */
  private preferSentinel(sentinel: HostAndPort): void {
    const at = this.sentinels.findIndex((candidate) => sameAddress(candidate, sentinel));
    if (at > 0) this.sentinels = [this.sentinels[at], ...this.sentinels.slice(0, at), ...this.sentinels.slice(at + 1)];
  }
}
