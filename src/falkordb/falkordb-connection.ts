import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FalkorDB, FalkorDBOptions } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { StoreUnavailableError, WriteNotReplicatedError } from '../common/domain-errors';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { moveEarlierStoreGraph } from './embedded/earlier-store-graph';
import { formatBytes } from './embedded/readiness';
import { FALKORDB_MODULE_OPTIONS } from './falkordb.module-definition';
import { OutageLog } from './outage-log';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REPLICA_ACK_TIMEOUT_MS,
  DEFAULT_TOKEN_GRAPH,
  EmbeddedTokenStoreOptions,
  FalkorDbModuleOptions,
  SENTINEL_SERVER_PORT,
  SentinelOptions,
  validateFalkorDbOptions,
} from './falkordb.options';
import { sameAddress } from './sentinel/find-primary';
import { SentinelMasterLocator } from './sentinel/sentinel-master-locator';
import { describeAddress, HostAndPort } from './sentinel/sentinel-options';
import { sameHost, ServerAddress, serverAddressOfUrl } from './server-address';
import { isUnavailableError } from './store-errors';

/** A Cypher parameter value: scalars, lists and maps of them (sent as literals in the CYPHER prefix, never spliced into the query). */
export type QueryValue = string | number | boolean | null | QueryValue[] | { [key: string]: QueryValue };
export type QueryParams = Record<string, QueryValue>;
export type Row = Record<string, unknown>;

/** Reconnect quickly at first, then every 2 s, forever: the service heals when FalkorDB returns. */
const reconnectDelay = (retries: number): number => Math.min(50 * 2 ** retries, 2000);

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A demoted primary still answering: writes there are refused with READONLY. */
const isReadOnlyReply = (error: unknown): boolean => error instanceof Error && /^READONLY\b/.test(error.message);

/** How often the primary's replica count is read again (it decides the default replica confirmation). */
const REPLICA_COUNT_REFRESH_MS = 5000;

/** Called with the data server that became primary (Sentinel failover). */
export type PrimaryChangeListener = (primary: HostAndPort) => void;

type ConnectTarget = Pick<FalkorDBOptions, 'url'> & { socket?: { host: string; port: number } | { path: string }; username?: string; password?: string };

/**
 * The service's own FalkorDB connection (token store). Opens an external server by URL, adopts a
 * host-provided client, or starts an embedded server. Commands never queue while disconnected:
 * they fail at once (or after `commandTimeoutMs`) with StoreUnavailableError, so auth fails closed.
 */
@Injectable()
export class FalkorDbConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FalkorDB');
  /**
   * One warning when the store becomes unavailable (a failed command, PING or reconnect, whichever
   * comes first) and one line when it answers again, not one per failed request or retry.
   */
  private readonly outage = new OutageLog(this.logger, {
    down: (reason) => `Token store unavailable: ${reason}`,
    up: (downForMs) => `Token store reachable again after ${Math.round(downForMs / 100) / 10} s`,
  });
  private client?: FalkorDB;
  private ownsClient = true;
  private embedded?: EmbeddedFalkorDb;
  /** The token store's own embedded server (`tokenStoreEmbedded`). */
  private embeddedStore?: EmbeddedFalkorDb;
  private address?: ServerAddress;
  private storeAddress?: ServerAddress;
  readonly tokenGraph: string;
  private readonly commandTimeoutMs: number;
  /** Sentinel mode: where the primary is now, and the node the store client is connected to. */
  private locator?: SentinelMasterLocator;
  private connectedTo?: HostAndPort;
  private followEpoch = 0;
  private readonly primaryListeners = new Set<PrimaryChangeListener>();
  private readonly storeMissingListeners = new Set<() => void>();
  /** Replicas of the store's primary, as last read (decides whether writes wait for one by default). */
  private replicaCount = 0;
  private replicaTimer?: NodeJS.Timeout;
  private warnedReplicaCount = false;
  private stopped = false;

  constructor(@Inject(FALKORDB_MODULE_OPTIONS) private readonly options: FalkorDbModuleOptions) {
    validateFalkorDbOptions(options);
    this.tokenGraph = options.tokenGraph ?? DEFAULT_TOKEN_GRAPH;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.openUsersServer();
    const { tokenStoreUrl, tokenStoreEmbedded } = this.options;
    if (tokenStoreEmbedded) {
      try {
        await this.openEmbeddedStore(tokenStoreEmbedded);
      } catch (error) {
        await this.onApplicationShutdown();
        throw error;
      }
    }
    if (tokenStoreUrl) {
      // The store lives apart from the users' server: this client is the store's alone.
      this.storeAddress = serverAddressOfUrl(tokenStoreUrl);
      try {
        this.client = await this.connect({ url: tokenStoreUrl });
      } catch (error) {
        await this.onApplicationShutdown();
        throw error;
      }
      this.ownsClient = true;
      this.logger.log(`Token store on its own FalkorDB at ${this.storeAddress.host}:${this.storeAddress.port}`);
    }
    // Neither embedded server ever has replicas; any other primary may gain or lose some at any time.
    const storeEmbedded = tokenStoreEmbedded !== undefined || (this.embedded !== undefined && tokenStoreUrl === undefined);
    if (!storeEmbedded) await this.watchReplicaCount();
  }

  /**
   * The token store on an embedded server of its own, with a password generated now and known to
   * this process alone: no FalkorDB user reaches the store, and nobody can log in to its server.
   */
  private async openEmbeddedStore(options: EmbeddedTokenStoreOptions): Promise<void> {
    const password = randomBytes(32).toString('base64url');
    let server: EmbeddedFalkorDb;
    try {
      server = await EmbeddedFalkorDb.start({ ...options, port: 0, unixSocket: true, password }, this.logger);
    } catch (error) {
      // Said apart from the users' server, whose start can fail the same way.
      throw new Error(`The token store's own embedded FalkorDB did not start: ${reasonOf(error)}`);
    }
    const socket = server.socketPath as string;
    this.embeddedStore = server;
    this.superviseEmbedded(server, 'Embedded token store FalkorDB');
    // No TCP address: no allow-list entry, login or server identity can ever name this server.
    this.storeAddress = { host: socket, port: 0, tls: false };
    this.client = await this.connect({ socket: { path: socket }, password });
    this.ownsClient = true;
    this.logger.log(`Token store on its own embedded FalkorDB at unix socket ${socket} (password known only to this service; no TCP port)`);
    if (this.embedded) await this.moveEarlierStore(this.embedded, this.client);
  }

  /**
   * A store kept on the users' embedded server by a version before isolation is moved to the
   * store's own server at the first start, so its tokens keep working (and its hashes and sealed
   * passwords leave the users' reach). Failing to move it is logged, never fatal: those tokens
   * simply do not authenticate until it is moved.
   */
  private async moveEarlierStore(users: EmbeddedFalkorDb, store: FalkorDB): Promise<void> {
    let usersClient: FalkorDB | undefined;
    try {
      usersClient = await this.connect({ socket: { host: '127.0.0.1', port: users.port } });
      const moved = await moveEarlierStoreGraph(await usersClient.connection, await store.connection, this.tokenGraph);
      if (moved) {
        this.logger.log(
          `Moved the token store graph "${this.tokenGraph}" (${formatBytes(moved)}) from the users' embedded FalkorDB (127.0.0.1:${users.port}) to its own`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `A token store graph "${this.tokenGraph}" on the users' embedded FalkorDB (127.0.0.1:${users.port}) could not be moved to the store's own server ` +
          `(${reasonOf(error)}): the tokens in it do not authenticate until it is`,
      );
    } finally {
      await usersClient?.close().catch(() => undefined);
    }
  }

  /** One line when an outage of an embedded server starts, one when it ends (it restarts itself). */
  private superviseEmbedded(server: EmbeddedFalkorDb, name: string): void {
    server.onStateChange((change) => {
      if (change.state === 'down') {
        this.logger.warn(`${name} (pid ${change.pid}) stopped unexpectedly: ${change.reason}; restarting it (see ${server.logFile})`);
      } else {
        this.logger.log(`${name} is back (pid ${change.pid}) after ${Math.round(change.downForMs / 100) / 10} s`);
      }
    });
  }

  /** The embedded server never has replicas; any other primary may gain or lose some at any time. */
  private async watchReplicaCount(): Promise<void> {
    if (this.options.replicaAcks?.minReplicas !== undefined) return;
    await this.readReplicaCount();
    this.replicaTimer = setInterval(() => void this.readReplicaCount(), REPLICA_COUNT_REFRESH_MS);
    this.replicaTimer.unref();
  }

  private async readReplicaCount(): Promise<void> {
    if (this.options.replicaAcks?.minReplicas !== undefined || !this.client) return;
    try {
      const connection = await this.client.connection;
      const info: unknown = await withDeadline(connection.sendCommand(['INFO', 'replication']), this.commandTimeoutMs);
      this.replicaCount = Number(/(?:^|\n)connected_slaves:(\d+)/.exec(typeof info === 'string' ? info : '')?.[1] ?? 0);
    } catch (error) {
      if (!this.warnedReplicaCount) {
        this.warnedReplicaCount = true;
        this.logger.warn(`Cannot read the store primary's replicas (${reasonOf(error)}): writes are not confirmed by replicas unless FALKORDB_MIN_REPLICAS_ACK is set`);
      }
    }
  }

  /** Replicas a credential write must be confirmed by before it is acknowledged. */
  get requiredReplicaAcks(): number {
    return this.options.replicaAcks?.minReplicas ?? (this.replicaCount > 0 ? 1 : 0);
  }

  /** The FalkorDB users log in to (and, unless the store is separate, the store): by URL, the host's client, or embedded. */
  private async openUsersServer(): Promise<void> {
    const { url, client, clientServer, embedded, sentinel } = this.options;
    const storeElsewhere = this.storeIsSeparate;
    if (sentinel) {
      await this.openSentinelServer(sentinel, !storeElsewhere);
      return;
    }
    if (client) {
      if (!storeElsewhere) this.client = client;
      this.ownsClient = false;
      this.address = clientServer
        ? { host: clientServer.host, port: clientServer.port, tls: clientServer.tls ?? false }
        : { host: 'localhost', port: 6379, tls: false };
      return;
    }
    if (url) {
      this.address = serverAddressOfUrl(url);
      if (storeElsewhere) return; // nothing of the service's own runs there
      this.client = await this.connect({ url });
      this.logger.log(`Connected to FalkorDB at ${this.address.host}:${this.address.port}`);
      return;
    }
    if (!embedded) throw new Error('FalkorDbModule needs `url`, `client` or `embedded` options');
    const server = await EmbeddedFalkorDb.start(embedded, this.logger);
    this.embedded = server;
    this.superviseEmbedded(server, 'Embedded FalkorDB');
    this.address = { host: 'localhost', port: server.port, tls: false };
    if (storeElsewhere) {
      this.logger.log(`Embedded FalkorDB on 127.0.0.1:${server.port}, data in ${server.dataDir}`);
      return;
    }
    try {
      this.client = await this.connect({ socket: { host: '127.0.0.1', port: server.port } });
    } catch (error) {
      this.embedded = undefined;
      await server.stop();
      throw error;
    }
    this.logger.log(`Embedded FalkorDB on 127.0.0.1:${server.port}, data in ${server.dataDir}`);
  }

  /**
   * A primary found through Sentinel. Its name for users is the master name (port 6379), whichever
   * node is primary; the store client (unless the store is elsewhere) and everything opened through
   * resolve() follow a failover without a restart.
   */
  private async openSentinelServer(sentinel: SentinelOptions, holdsStore: boolean): Promise<void> {
    const { sentinels, masterName, username, password, sentinelUsername, sentinelPassword } = sentinel;
    this.address = { host: masterName, port: SENTINEL_SERVER_PORT, tls: false };
    this.locator = await SentinelMasterLocator.start({
      sentinels,
      masterName,
      sentinelCredentials: sentinelPassword === undefined ? undefined : { username: sentinelUsername, password: sentinelPassword },
      dataCredentials: password === undefined ? undefined : { username, password },
      logger: (level, message) => {
        if (level !== 'debug') this.logger[level](`Sentinel: ${message}`);
      },
    });
    const primary = this.locator.current as HostAndPort;
    this.locator.onChange(({ primary: next }) => void this.follow(next));
    if (holdsStore) {
      this.client = await this.connect(this.primaryTarget(primary));
      this.connectedTo = primary;
    }
    this.logger.log(`Following the primary of "${masterName}" at ${describeAddress(primary)} (Sentinel: ${sentinels.map(describeAddress).join(', ')})`);
  }

  private primaryTarget(primary: HostAndPort): ConnectTarget {
    const { username, password } = this.options.sentinel ?? {};
    return { socket: { host: primary.host, port: primary.port }, ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
  }

  /**
   * After a failover: the store client moves to the new primary (retrying until it answers, unless
   * another failover comes first), then every listener hears of it (pooled user connections close,
   * change tracking reconnects, server identities are read again).
   */
  private async follow(primary: HostAndPort): Promise<void> {
    const epoch = ++this.followEpoch;
    const masterName = this.options.sentinel?.masterName ?? '';
    this.logger.warn(`Primary of "${masterName}" moved to ${describeAddress(primary)}: following it`);
    if (!this.storeIsSeparate) {
      for (let attempt = 0; ; attempt += 1) {
        if (epoch !== this.followEpoch || this.stopped) return;
        try {
          const client = await this.connect(this.primaryTarget(primary));
          if (epoch !== this.followEpoch || this.stopped) {
            await client.close().catch(() => undefined);
            return;
          }
          const previous = this.client;
          this.client = client;
          this.connectedTo = primary;
          await previous?.close().catch(() => undefined);
          break;
        } catch (error) {
          this.outage.failed(`new primary ${describeAddress(primary)}: ${reasonOf(error)}`);
          await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt)).unref());
        }
      }
      await this.readReplicaCount();
    }
    this.logger.log(`Following the primary of "${masterName}" at ${describeAddress(primary)}`);
    for (const listener of this.primaryListeners) listener(primary);
  }

  /**
   * Hears when the token store graph turned out to be missing (deleted, flushed): a read of it
   * failed with FalkorDB's "empty key" error, answered 503 STORE_UNAVAILABLE meanwhile.
   */
  onStoreMissing(listener: () => void): () => void {
    this.storeMissingListeners.add(listener);
    return () => this.storeMissingListeners.delete(listener);
  }

  /** Hears every failover (Sentinel mode only). */
  onPrimaryChange(listener: PrimaryChangeListener): () => void {
    this.primaryListeners.add(listener);
    return () => this.primaryListeners.delete(listener);
  }

  /**
   * Where to connect for `server`: the current primary for the Sentinel-managed server's name,
   * the server itself otherwise.
   */
  resolve(server: ServerAddress): ServerAddress {
    const primary = this.locator?.current;
    if (!primary || !this.address || server.port !== this.address.port || !sameHost(server.host, this.address.host)) return server;
    return { host: primary.host, port: primary.port, tls: server.tls };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.replicaTimer);
    await this.locator?.close().catch(() => undefined);
    this.locator = undefined;
    if (this.client && this.ownsClient) await this.client.close().catch(() => undefined);
    this.client = undefined;
    // Stops supervising them first, so these stops are not reported as outages.
    await Promise.all([this.embedded?.stop(), this.embeddedStore?.stop()]);
    this.embedded = undefined;
    this.embeddedStore = undefined;
  }

  /** True when the token store is on a server of its own (`tokenStoreUrl` or `tokenStoreEmbedded`), apart from the users' server. */
  get storeIsSeparate(): boolean {
    return this.options.tokenStoreUrl !== undefined || this.options.tokenStoreEmbedded !== undefined;
  }

  /** The server users log in to by default (and the default allow-list): the store's too, unless the store is separate. */
  get server(): ServerAddress {
    if (!this.address) throw new Error('FalkorDB connection is not initialised yet');
    return this.address;
  }

  /** The server the token store is on. */
  get storeServer(): ServerAddress {
    return this.storeAddress ?? this.server;
  }

  /** Runs a write query on the token store and returns its rows as column-keyed objects. */
  query<T extends Row = Row>(graph: string, cypher: string, params?: QueryParams): Promise<T[]> {
    return this.run(graph, cypher, params, false);
  }

  /** Runs a read-only query (GRAPH.RO_QUERY). */
  readQuery<T extends Row = Row>(graph: string, cypher: string, params?: QueryParams): Promise<T[]> {
    return this.run(graph, cypher, params, true);
  }

  /**
   * Runs one plain command (not a graph query) on the token store's server, e.g. for state the
   * service instances share (failure counters). StoreUnavailableError when the server is unreachable.
   */
  async command(args: string[]): Promise<unknown> {
    const connection = await this.requireClient().connection;
    return this.storeCall(() => connection.sendCommand(args));
  }

  /** True when FalkorDB answers PING in time. */
  async isReachable(): Promise<boolean> {
    try {
      const connection = await this.requireClient().connection;
      await withDeadline(connection.ping(), this.commandTimeoutMs);
      // Under Sentinel the store must be on the primary the sentinels name now, not a demoted one.
      const primary = this.locator?.current;
      if (primary && this.connectedTo && !this.storeIsSeparate && !sameAddress(primary, this.connectedTo)) {
        throw new Error(`still connected to ${describeAddress(this.connectedTo)}, the primary is now ${describeAddress(primary)}`);
      }
      this.outage.succeeded();
      return true;
    } catch (error) {
      this.outage.failed(reasonOf(error));
      return false;
    }
  }

  /** The underlying client, for graph operations beyond the token store. */
  get falkordb(): FalkorDB {
    return this.requireClient();
  }

  private async run<T extends Row>(
    graph: string,
    cypher: string,
    params: QueryParams | undefined,
    readOnly: boolean,
  ): Promise<T[]> {
    const client = this.requireClient();
    const selected = client.selectGraph(graph);
    const options = params ? { params } : undefined;
    let reply: Awaited<ReturnType<typeof selected.query<T>>>;
    try {
      reply = await this.storeCall(() => (readOnly ? selected.roQuery<T>(cypher, options) : selected.query<T>(cypher, options)));
    } catch (error) {
      throw graph === this.tokenGraph ? this.storeGraphError(error) : error;
    }
    if (!readOnly) await this.confirmReplicated(client);
    return reply.data ?? [];
  }

  /**
   * The store graph is gone (FalkorDB reads of a missing graph fail with "empty key") or its key was
   * replaced by something that is not a graph: either way no credential can be checked, so the
   * request is a 503, never a 500. A missing graph is created again by its listeners (the schema).
   */
  private storeGraphError(error: unknown): unknown {
    const message = error instanceof Error ? error.message : '';
    if (/empty key/i.test(message)) {
      this.outage.failed(`the token store graph "${this.tokenGraph}" does not exist (deleted or flushed)`);
      for (const listener of this.storeMissingListeners) listener();
      return new StoreUnavailableError(`The token store graph is missing (it was deleted or flushed) and is being created again; try again shortly`);
    }
    if (/^WRONGTYPE\b/.test(message)) {
      this.outage.failed(`the key "${this.tokenGraph}" of the token store holds something that is not a graph`);
      return new StoreUnavailableError();
    }
    return error;
  }

  /**
   * One call to the store within the command timeout. Unreachable, or a demoted primary refusing a
   * write (READONLY): StoreUnavailableError, and under Sentinel the primary is looked up now rather
   * than at the next announcement or poll. Any other rejection is the server's answer: it is
   * reachable, and the error goes to the caller as it is.
   */
  private async storeCall<T>(work: () => Promise<T>): Promise<T> {
    try {
      const reply = await withDeadline(work(), this.commandTimeoutMs);
      this.outage.succeeded();
      return reply;
    } catch (error) {
      if (isUnavailableError(error) || isReadOnlyReply(error)) {
        this.outage.failed(reasonOf(error));
        this.locator?.refresh().catch(() => undefined);
        throw new StoreUnavailableError();
      }
      this.outage.succeeded();
      throw error;
    }
  }

  /**
   * A write is acknowledged only once enough replicas have it (WAIT, on the connection that wrote
   * it): a failover right after the answer cannot undo it. Not confirmed in time: 503, outcome unknown.
   */
  private async confirmReplicated(client: FalkorDB): Promise<void> {
    const required = this.requiredReplicaAcks;
    if (required === 0) return;
    const timeoutMs = this.options.replicaAcks?.timeoutMs ?? DEFAULT_REPLICA_ACK_TIMEOUT_MS;
    let confirmed = 0;
    try {
      const connection = await client.connection;
      confirmed = Number(await withDeadline(connection.sendCommand(['WAIT', String(required), String(timeoutMs)]), timeoutMs + this.commandTimeoutMs));
    } catch (error) {
      if (!isUnavailableError(error)) throw error;
      this.outage.failed(reasonOf(error));
      this.locator?.refresh().catch(() => undefined);
    }
    if (confirmed < required) throw new WriteNotReplicatedError(required, confirmed, timeoutMs);
  }

  private requireClient(): FalkorDB {
    if (!this.client) throw new StoreUnavailableError();
    return this.client;
  }

  private async connect(target: ConnectTarget): Promise<FalkorDB> {
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const options = {
      ...target,
      socket: { ...target.socket, connectTimeout: 2000, reconnectStrategy: reconnectDelay },
      // Fail fast while disconnected instead of queueing requests behind an outage.
      disableOfflineQueue: true,
    } as unknown as FalkorDBOptions;
    const pending = FalkorDB.connect(options);
    try {
      const client = await withDeadline(pending, connectTimeoutMs);
      // The client reports every failed reconnect (every 2 s of an outage): only the first counts.
      client.on('error', (error: Error) => this.outage.failed(`connection: ${error.message}`));
      return client;
    } catch (error) {
      // A late success must not leak a connection that nobody will close.
      void pending.then((late) => late.close()).catch(() => undefined);
      const socket = target.socket;
      const where = target.url
        ? new URL(target.url).host
        : socket && 'path' in socket
          ? socket.path
          : socket && this.locator
            ? describeAddress(socket)
            : 'the embedded server';
      throw new Error(
        `Cannot connect to FalkorDB at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
