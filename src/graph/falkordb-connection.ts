import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FalkorDB, FalkorDBOptions } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { StoreUnavailableError } from '../common/domain-errors';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { GRAPH_MODULE_OPTIONS } from './graph.module-definition';
import { OutageLog } from './outage-log';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TOKEN_GRAPH,
  GraphModuleOptions,
  validateGraphOptions,
} from './graph.options';
import { ServerAddress, serverAddressOfUrl } from './server-address';
import { isUnavailableError } from './store-errors';

export type QueryParams = Record<string, string | number | boolean | null | string[] | number[]>;
export type Row = Record<string, unknown>;

/** Reconnect quickly at first, then every 2 s, forever: the service heals when FalkorDB returns. */
const reconnectDelay = (retries: number): number => Math.min(50 * 2 ** retries, 2000);

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
  private address?: ServerAddress;
  private storeAddress?: ServerAddress;
  readonly tokenGraph: string;
  private readonly commandTimeoutMs: number;

  constructor(@Inject(GRAPH_MODULE_OPTIONS) private readonly options: GraphModuleOptions) {
    validateGraphOptions(options);
    this.tokenGraph = options.tokenGraph ?? DEFAULT_TOKEN_GRAPH;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  async onModuleInit(): Promise<void> {
    await this.openUsersServer();
    const { tokenStoreUrl } = this.options;
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
  }

  /** The FalkorDB users log in to (and, without `tokenStoreUrl`, the store): by URL, the host's client, or embedded. */
  private async openUsersServer(): Promise<void> {
    const { url, client, clientServer, embedded, tokenStoreUrl } = this.options;
    if (client) {
      if (!tokenStoreUrl) this.client = client;
      this.ownsClient = false;
      this.address = clientServer
        ? { host: clientServer.host, port: clientServer.port, tls: clientServer.tls ?? false }
        : { host: 'localhost', port: 6379, tls: false };
      return;
    }
    if (url) {
      this.address = serverAddressOfUrl(url);
      if (tokenStoreUrl) return; // nothing of the service's own runs there
      this.client = await this.connect({ url });
      this.logger.log(`Connected to FalkorDB at ${this.address.host}:${this.address.port}`);
      return;
    }
    if (!embedded) throw new Error('FalkorDB graph module needs `url`, `client` or `embedded` options');
    const server = await EmbeddedFalkorDb.start(embedded, this.logger);
    this.embedded = server;
    // One line when an outage of the embedded server starts, one when it ends (it restarts itself).
    server.onStateChange((change) => {
      if (change.state === 'down') {
        this.logger.warn(`Embedded FalkorDB (pid ${change.pid}) stopped unexpectedly: ${change.reason}; restarting it (see ${server.logFile})`);
      } else {
        this.logger.log(`Embedded FalkorDB is back (pid ${change.pid}) after ${Math.round(change.downForMs / 100) / 10} s`);
      }
    });
    this.address = { host: 'localhost', port: server.port, tls: false };
    if (tokenStoreUrl) return;
    try {
      this.client = await this.connect({ socket: { host: '127.0.0.1', port: server.port } });
    } catch (error) {
      this.embedded = undefined;
      await server.stop();
      throw error;
    }
    this.logger.log(`Embedded FalkorDB on 127.0.0.1:${server.port}, data in ${server.dataDir}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client && this.ownsClient) await this.client.close().catch(() => undefined);
    this.client = undefined;
    // Stops supervising it first, so this stop is not reported as an outage.
    await this.embedded?.stop();
    this.embedded = undefined;
  }

  /** The server users log in to by default (and the default allow-list): the store's too, unless `tokenStoreUrl`. */
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

  /** True when FalkorDB answers PING in time. */
  async isReachable(): Promise<boolean> {
    try {
      const connection = await this.requireClient().connection;
      await withDeadline(connection.ping(), this.commandTimeoutMs);
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
    const selected = this.requireClient().selectGraph(graph);
    const options = params ? { params } : undefined;
    try {
      const work = readOnly ? selected.roQuery<T>(cypher, options) : selected.query<T>(cypher, options);
      const reply = await withDeadline(work, this.commandTimeoutMs);
      this.outage.succeeded();
      return reply.data ?? [];
    } catch (error) {
      if (isUnavailableError(error)) {
        this.outage.failed(reasonOf(error));
        throw new StoreUnavailableError();
      }
      // A reply rejecting the command: the server answered, so it is reachable.
      this.outage.succeeded();
      throw error;
    }
  }

  private requireClient(): FalkorDB {
    if (!this.client) throw new StoreUnavailableError();
    return this.client;
  }

  private async connect(target: Pick<FalkorDBOptions, 'url'> & { socket?: { host: string; port: number } }): Promise<FalkorDB> {
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const options = {
      ...target,
      socket: { ...target.socket, connectTimeout: 2000, reconnectStrategy: reconnectDelay },
      // Fail fast while disconnected instead of queueing requests behind an outage.
      disableOfflineQueue: true,
    } as FalkorDBOptions;
    const pending = FalkorDB.connect(options);
    try {
      const client = await withDeadline(pending, connectTimeoutMs);
      // The client reports every failed reconnect (every 2 s of an outage): only the first counts.
      client.on('error', (error: Error) => this.outage.failed(`connection: ${error.message}`));
      return client;
    } catch (error) {
      // A late success must not leak a connection that nobody will close.
      void pending.then((late) => late.close()).catch(() => undefined);
      const where = target.url ? new URL(target.url).host : 'the embedded server';
      throw new Error(
        `Cannot connect to FalkorDB at ${where}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
