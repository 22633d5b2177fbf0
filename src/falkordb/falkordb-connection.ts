import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { StoreUnavailableError } from './falkordb-errors';
import { connectClient, ConnectTarget } from './connect-client';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { FALKORDB_MODULE_OPTIONS } from './falkordb.module-definition';
import { StoreCalls } from './store-calls';
import { FOLD_QUERY, PendingChangesFold } from './pending-changes-fold';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TOKEN_GRAPH,
  FalkorDbModuleOptions,
  validateFalkorDbOptions,
} from './falkordb.options';
import { ReplicaAcknowledgements } from './replica-acknowledgements';
import { connectToPrimary, openUsersServer } from './users-server';
import { sameAddress } from './sentinel/find-primary';
import { SentinelMasterLocator } from './sentinel/sentinel-master-locator';
import { describeAddress, HostAndPort } from './sentinel/sentinel-options';
import { sameHost, ServerAddress } from './server-address';
import { openSeparateTokenStore, SeparateTokenStore } from './separate-token-store';
import { QueryParams, Row } from './query-types';
import { storeGraphFault } from './store-errors';
import { errorMessage } from '../common/error-message';
import { Listeners } from '../common/listeners';

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
  private readonly calls: StoreCalls;
  private readonly pendingChanges = new PendingChangesFold();
  private client?: FalkorDB;
  private ownsClient = true;
  private embedded?: EmbeddedFalkorDb;
  /** The token store's own embedded server (`tokenStoreEmbedded`). */
  private embeddedStore?: EmbeddedFalkorDb;
  private address?: ServerAddress;
  /** The embedded users' server's lasting name, when its port moved since it first ran. */
  private lastingName?: ServerAddress;
  private storeAddress?: ServerAddress;
  readonly tokenGraph: string;
  private readonly commandTimeoutMs: number;
  /** Sentinel mode: where the primary is now, and the node the store client is connected to. */
  private locator?: SentinelMasterLocator;
  private connectedTo?: HostAndPort;
  private followEpoch = 0;
  private readonly primaryListeners = new Listeners<[primary: HostAndPort]>();
  private readonly storeMissingListeners = new Listeners<[]>();
  private readonly replicaAcks: ReplicaAcknowledgements;
  private stopped = false;

  constructor(@Inject(FALKORDB_MODULE_OPTIONS) private readonly options: FalkorDbModuleOptions) {
    validateFalkorDbOptions(options);
    this.tokenGraph = options.tokenGraph ?? DEFAULT_TOKEN_GRAPH;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.calls = new StoreCalls(this.logger, this.commandTimeoutMs, () => void this.locator?.refresh().catch(() => undefined));
    this.replicaAcks = new ReplicaAcknowledgements(options.replicaAcks, this.commandTimeoutMs, this.logger, () => this.client);
  }

  async onModuleInit(): Promise<void> {
    await this.openUsersServer();
    let separate: SeparateTokenStore | undefined;
    try {
      separate = await openSeparateTokenStore(this.options, {
        usersServer: this.embedded,
        tokenGraph: this.tokenGraph,
        logger: this.logger,
        connect: (target, where) => this.connect(target, where),
      });
    } catch (error) {
      await this.onApplicationShutdown();
      throw error;
    }
    if (separate) {
      // The store lives apart from the users' server: this client is the store's alone.
      this.client = separate.client;
      this.ownsClient = true;
      this.storeAddress = separate.address;
      this.embeddedStore = separate.embedded;
    }
    // Neither embedded server ever has replicas; any other primary may gain or lose some at any time.
    const storeEmbedded = separate?.embedded !== undefined || (this.embedded !== undefined && !separate);
    if (!storeEmbedded) await this.replicaAcks.watch();
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
    this.lastingName = users.lastingName;
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
        onFailure: (message) => this.calls.failed(message),
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
    this.primaryListeners.emit(primary);
  }

  /**
   * Hears when the token store graph turned out to be missing (deleted, flushed): a read of it
   * failed with FalkorDB's "empty key" error, answered 503 STORE_UNAVAILABLE meanwhile.
   */
  onStoreMissing(listener: () => void): () => void {
    return this.storeMissingListeners.add(listener);
  }

  /** Hears every failover (Sentinel mode only). */
  onPrimaryChange(listener: PrimaryChangeListener): () => void {
    return this.primaryListeners.add(listener);
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

  /**
   * The name credentials record for the users' server: its address, or for an embedded server
   * whose port moved, the name it first had (connections still go to `server`).
   */
  get serverName(): ServerAddress {
    return this.lastingName ?? this.server;
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
    return this.calls.call(() => connection.sendCommand(args));
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
      this.calls.answered();
      return true;
    } catch (error) {
      this.calls.failed(errorMessage(error));
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
      reply = await this.calls.call(() => (readOnly ? selected.roQuery<T>(cypher, options) : selected.query<T>(cypher, options)));
    } catch (error) {
      throw graph === this.tokenGraph ? this.storeGraphError(error) : error;
    }
    if (!readOnly) {
      await this.replicaAcks.confirm(client, (error) => this.calls.unavailable(errorMessage(error)));
      if (graph === this.tokenGraph && this.pendingChanges.noteWrite(reply.metadata)) this.foldPendingChanges();
    }
    return reply.data ?? [];
  }

  /** See PendingChangesFold. Off the request's path; a fold that fails is simply due again later. */
  private foldPendingChanges(): void {
    this.run(this.tokenGraph, FOLD_QUERY, undefined, false).catch((error: unknown) => {
      this.logger.debug(`Folding the store's pending changes failed (retried after the next writes): ${errorMessage(error)}`);
    });
  }

  /**
   * A store graph that is gone or no graph: no credential can be checked, so the request is a 503,
   * never a 500. A missing graph is created again by the listeners (the schema).
   */
  private storeGraphError(error: unknown): unknown {
    const fault = storeGraphFault(error);
    if (fault === undefined) return error;
    this.calls.failed(fault === 'missing' ? `the token store graph "${this.tokenGraph}" does not exist (deleted or flushed)` : `the key "${this.tokenGraph}" of the token store holds something that is not a graph`);
    if (fault === 'not-a-graph') return new StoreUnavailableError();
    this.storeMissingListeners.emit();
    return new StoreUnavailableError('The token store graph is missing (it was deleted or flushed) and is being created again; try again shortly');
  }

  private requireClient(): FalkorDB {
    if (!this.client) throw new StoreUnavailableError();
    return this.client;
  }

  /** A client of ours (see connectClient); its outages are logged once each, as the store's. */
  private connect(target: ConnectTarget, where: string): Promise<FalkorDB> {
    return connectClient(target, {
      connectTimeoutMs: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      onError: (message) => this.calls.failed(message),
      where,
    });
  }
}
