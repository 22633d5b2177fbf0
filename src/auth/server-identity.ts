import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { withDeadline } from '../common/deadline';
import { InvalidCredentialsError } from '../falkordb/falkordb-errors';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { FALKORDB_MODULE_OPTIONS } from '../falkordb/falkordb.module-definition';
import type { FalkorDbModuleOptions } from '../falkordb/falkordb.options';
import { sameHost, ServerAddress } from '../falkordb/server-address';
import { UserConnectionFactory, UserCredentials } from '../falkordb/user-connections/user-connection.factory';
import { AuthSettings } from './auth-settings';
import { errorMessage } from '../common/error-message';

/** run_ids change when a server restarts: the map is learned again this often. */
export const SERVER_IDENTITY_REFRESH_MS = 60_000;
const PROBE_TIMEOUT_MS = 3000;

type Identity =
  /** Answered with this run_id. */
  | { kind: 'known'; runId: string }
  /** Reachable, but refused the service's credentials: certainly not the store's server. */
  | { kind: 'other' }
  /** Not reachable when probed: might be anything. */
  | { kind: 'unknown' };

function keyOf(server: Pick<ServerAddress, 'host' | 'port'>): string {
  return `${server.host.trim().toLowerCase()}:${server.port}`;
}

function runIdOf(info: unknown): string | undefined {
  return /(?:^|\n)run_id:([0-9a-f]{40})/.exec(String(info))?.[1];
}

/**
 * Which allow-listed names are one FalkorDB server. Each entry is probed with the service's own
 * credentials and named by its `run_id` (INFO server); entries that answer with the same run_id are
 * one server, and its canonical name is the first such entry of the allow-list. Logins are recorded
 * under the canonical name (so ownership and admin scope do not depend on the spelling a client
 * used), and the token store's graph is protected on every name of the store's server. An entry
 * that could not be probed is treated as possibly the store's server (fail closed).
 */
@Injectable()
export class ServerIdentity implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ServerIdentity');
  private identities = new Map<string, Identity>();
  private storeRunId?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly settings: AuthSettings,
    private readonly store: FalkorDbConnection,
    private readonly connections: UserConnectionFactory,
    @Optional() @Inject(FALKORDB_MODULE_OPTIONS) private readonly falkordbOptions?: FalkorDbModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A failover gives the store's server a new run_id (the new primary's).
    this.store.onPrimaryChange(() => void this.refresh());
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), SERVER_IDENTITY_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Probes the store and every allow-list entry again. Never throws. */
  async refresh(): Promise<void> {
    const credentials = this.serviceCredentials();
    this.storeRunId = await this.storeServerRunId();
    const identities = new Map<string, Identity>();
    for (const entry of this.settings.allowedServers) {
      if (sameHost(entry.host, this.store.storeServer.host) && entry.port === this.store.storeServer.port) {
        identities.set(keyOf(entry), this.storeRunId ? { kind: 'known', runId: this.storeRunId } : { kind: 'unknown' });
      } else {
        identities.set(keyOf(entry), credentials ? await this.probe(entry, credentials) : { kind: 'unknown' });
      }
    }
    this.identities = identities;
  }

  /**
   * The allow-list entry that names the same server first (the server itself when none does); the
   * users' server under the name credentials record for it (FalkorDbConnection.serverName: an
   * embedded server keeps its first port's name when its port moves).
   */
  canonical(server: ServerAddress): ServerAddress {
    const named = this.firstAllowListedName(server);
    const users = this.store.server;
    const lasting = this.store.serverName;
    // Only a moved embedded server is renamed: every other server keeps the names it always had.
    const moved = lasting.port !== users.port || lasting.host !== users.host;
    return moved && sameHost(named.host, users.host) && named.port === users.port ? { ...lasting, tls: named.tls } : named;
  }

  private firstAllowListedName(server: ServerAddress): ServerAddress {
    const identity = this.identities.get(keyOf(server));
    if (identity?.kind !== 'known') return server;
    const first = this.settings.allowedServers.find((entry) => {
      const other = this.identities.get(keyOf(entry));
      return other?.kind === 'known' && other.runId === identity.runId;
    });
    return first ? { ...first, tls: server.tls } : server;
  }

  /** Whether `server` is (or, not being provably another server, may be) the token store's server. */
  isStoreServer(server: Pick<ServerAddress, 'host' | 'port'>): boolean {
    const store = this.store.storeServer;
    if (sameHost(server.host, store.host) && server.port === store.port) return true;
    const identity = this.identities.get(keyOf(server));
    if (!identity) return false; // not an allow-listed name: nothing can be reached through it
    if (identity.kind === 'known') return this.storeRunId === undefined || identity.runId === this.storeRunId;
    return identity.kind === 'unknown';
  }

  private async storeServerRunId(): Promise<string | undefined> {
    try {
      const connection = await this.store.falkordb.connection;
      return runIdOf(await withDeadline(connection.sendCommand(['INFO', 'server']), PROBE_TIMEOUT_MS));
    } catch (error) {
      this.logger.warn(`Cannot read the token store server's run_id: ${errorMessage(error)}`);
      return undefined;
    }
  }

  private async probe(entry: ServerAddress, credentials: UserCredentials): Promise<Identity> {
    let connection;
    try {
      connection = await this.connections.open(entry, credentials);
      const runId = runIdOf(await withDeadline(connection.sendCommand(['INFO', 'server']), PROBE_TIMEOUT_MS));
      return runId ? { kind: 'known', runId } : { kind: 'unknown' };
    } catch (error) {
      return error instanceof InvalidCredentialsError ? { kind: 'other' } : { kind: 'unknown' };
    } finally {
      if (connection?.isOpen) connection.destroy();
    }
  }

  /** The credentials the service connects to its store with; undefined for a host-provided client. */
  private serviceCredentials(): UserCredentials | undefined {
    const sentinel = this.falkordbOptions?.sentinel;
    if (sentinel && !this.falkordbOptions?.tokenStoreUrl) return { username: sentinel.username ?? 'default', password: sentinel.password ?? '' };
    const url = this.falkordbOptions?.tokenStoreUrl ?? this.falkordbOptions?.url;
    if (url) {
      const parsed = new URL(url);
      return { username: decodeURIComponent(parsed.username) || 'default', password: decodeURIComponent(parsed.password) };
    }
    return this.falkordbOptions?.embedded ? { username: 'default', password: '' } : undefined;
  }
}
