import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { StoreUnavailableError } from '../common/domain-errors';
import { connectClient, ConnectTarget } from './connect-client';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { moveEarlierStore, startEmbeddedTokenStore } from './embedded-token-store';
import { FALKORDB_MODULE_OPTIONS } from './falkordb.module-definition';
import { OutageLog } from './outage-log';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TOKEN_GRAPH,
  EmbeddedTokenStoreOptions,
  FalkorDbModuleOptions,
  validateFalkorDbOptions,
} from './falkordb.options';
import { ReplicaAcknowledgements } from './replica-acknowledgements';
import { connectToPrimary, openUsersServer } from './users-server';
import { sameAddress } from './sentinel/find-primary';
import { SentinelMasterLocator } from './sentinel/sentinel-master-locator';
import { describeAddress, HostAndPort } from './sentinel/sentinel-options';
import { sameHost, ServerAddress, serverAddressOfUrl } from './server-address';
import { isReadOnlyReply, isUnavailableError, storeGraphFault } from './store-errors';
import { errorMessage } from '../common/error-message';

/** A Cypher parameter value: scalars, lists and maps of them (sent as literals in the CYPHER prefix, never spliced into the query). */
export type QueryValue = string | number | boolean | null | QueryValue[] | { [key: string]: QueryValue };
export type QueryParams = Record<string, QueryValue>;
export type Row = Record<string, unknown>;

/** Called with the data server that became primary (Sentinel failover). */
export type PrimaryChangeListener = (primary: HostAndPort) => void;

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
  private readonly replicaAcks: ReplicaAcknowledgements;
  private stopped = false;

  constructor(@Inject(FALKORDB_MODULE_OPTIONS) private readonly options: FalkorDbModuleOptions) {
    validateFalkorDbOptions(options);
    this.tokenGraph = options.tokenGraph ?? DEFAULT_TOKEN_GRAPH;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.replicaAcks = new ReplicaAcknowledgements(options.replicaAcks, this.commandTimeoutMs, this.logger, () => this.client);
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
        this.client = await this.connect({ url: tokenStoreUrl }, new URL(tokenStoreUrl).host);
      } catch (error) {
        await this.onApplicationShutdown();
        throw error;
      }
      this.ownsClient = true;
      this.logger.log(`Token store on its own FalkorDB at ${this.storeAddress.host}:${this.storeAddress.port}`);
    }
    // Neither embedded server ever has replicas; any other primary may gain or lose some at any time.
    const storeEmbedded = tokenStoreEmbedded !== undefined || (this.embedded !== undefined && tokenStoreUrl === undefined);
    if (!storeEmbedded) await this.replicaAcks.watch();
  }

  /** The token store on an embedded server of its own (see startEmbeddedTokenStore). */
  private async openEmbeddedStore(options: EmbeddedTokenStoreOptions): Promise<void> {
    const store = await startEmbeddedTokenStore(options, this.logger);
    this.embeddedStore = store.server;
    // No TCP address: no allow-list entry, login or server identity can ever name this server.
    this.storeAddress = { host: store.socket, port: 0, tls: false };
    this.client = await this.connect(store.target, store.socket);
    this.ownsClient = true;
    this.logger.log(`Token store on its own embedded FalkorDB at unix socket ${store.socket} (password known only to this service; no TCP port)`);
    if (!this.embedded) return;
    const usersPort = this.embedded.port;
    const connectUsers = () => this.connect({ socket: { host: '127.0.0.1', port: usersPort } }, `127.0.0.1:${usersPort}`);
    await moveEarlierStore(connectUsers, usersPort, this.client, this.tokenGraph, this.logger);
  }

  /** Replicas a credential write must be confirmed by before it is acknowledged. */
  get requiredReplicaAcks(): number {
    return this.replicaAcks.required;
  }

  /** The FalkorDB users log in to (and, unless the store is separate, the store's client): see openUsersServer. */
  private async openUsersServer(): Promise<void> {
    const users = await openUsersServer(this.options, {
      holdsStore: !this.storeIsSeparate,
      logger: this.logger,
      connect: (target, where) => this.connect(target, where),
      onPrimaryMoved: (primary) => void this.follow(primary),
    });
    this.address = users.address;
    this.client = users.client;
    this.ownsClient = users.ownsClient;
    this.embedded = users.embedded;
    this.locator = users.locator;
    this.connectedTo = users.connectedTo;
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
      const client = await connectToPrimary(this.options.sentinel, primary, {
        connect: (target, where) => this.connect(target, where),
        isCurrent: () => epoch === this.followEpoch && !this.stopped,
        onFailure: (message) => this.outage.failed(message),
      });
      if (!client) return;
      // A shutdown or a newer failover may have come while the new client was being handed over.
      if (epoch !== this.followEpoch || this.stopped) {
        await client.close().catch(() => undefined);
        return;
      }
      const previous = this.client;
      this.client = client;
      this.connectedTo = primary;
      await previous?.close().catch(() => undefined);
      await this.replicaAcks.refresh();
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
    this.replicaAcks.stop();
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
      this.outage.failed(errorMessage(error));
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
    if (!readOnly) {
      await this.replicaAcks.confirm(client, (error) => {
        this.outage.failed(errorMessage(error));
        this.locator?.refresh().catch(() => undefined);
      });
    }
    return reply.data ?? [];
  }

  /**
   * A store graph that is gone or no graph: no credential can be checked, so the request is a 503,
   * never a 500. A missing graph is created again by the listeners (the schema).
   */
  private storeGraphError(error: unknown): unknown {
    const fault = storeGraphFault(error);
    if (fault === undefined) return error;
    this.outage.failed(fault === 'missing' ? `the token store graph "${this.tokenGraph}" does not exist (deleted or flushed)` : `the key "${this.tokenGraph}" of the token store holds something that is not a graph`);
    if (fault === 'not-a-graph') return new StoreUnavailableError();
    for (const listener of this.storeMissingListeners) listener();
    return new StoreUnavailableError('The token store graph is missing (it was deleted or flushed) and is being created again; try again shortly');
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
        this.outage.failed(errorMessage(error));
        this.locator?.refresh().catch(() => undefined);
        throw new StoreUnavailableError();
      }
      this.outage.succeeded();
      throw error;
    }
  }

  private requireClient(): FalkorDB {
    if (!this.client) throw new StoreUnavailableError();
    return this.client;
  }

  /** A client of ours (see connectClient); its outages are logged once each, as the store's. */
  private connect(target: ConnectTarget, where: string): Promise<FalkorDB> {
    return connectClient(target, {
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      onError: (message) => this.outage.failed(message),
      where,
    });
  }
}
