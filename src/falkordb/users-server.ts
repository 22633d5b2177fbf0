import { Logger } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { errorMessage } from '../common/error-message';
import { ConnectTarget, reconnectDelay } from './connect-client';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { logOutagesOf } from './embedded-token-store';
import { FalkorDbModuleOptions, SENTINEL_SERVER_PORT, SentinelOptions } from './falkordb.options';
import { SentinelMasterLocator } from './sentinel/sentinel-master-locator';
import { describeAddress, HostAndPort } from './sentinel/sentinel-options';
import { ServerAddress, serverAddressOfUrl } from './server-address';
import { embeddedServerName } from './embedded/embedded-server-name';

/** The FalkorDB users log in to, as opened: its name for users, and what the service holds of it. */
export interface UsersServer {
  address: ServerAddress;
  /** The store's client, when the store lives on this server. */
  client?: FalkorDB;
  /** False for a client the host application owns (never closed here). */
  ownsClient: boolean;
  embedded?: EmbeddedFalkorDb;
  /** The embedded server's lasting name (embedded-server-name.ts), when it listens elsewhere now. */
  lastingName?: ServerAddress;
  /** Sentinel mode: where the primary is now, and the node the store client is connected to. */
  locator?: SentinelMasterLocator;
  connectedTo?: HostAndPort;
}

export interface UsersServerSettings {
  /** Whether the token store lives on this server (else nothing of the service's own runs there). */
  holdsStore: boolean;
  logger: Logger;
  connect: (target: ConnectTarget, where: string) => Promise<FalkorDB>;
  /** Sentinel mode: hears every failover from the moment the sentinels are asked. */
  onPrimaryMoved: (primary: HostAndPort) => void;
}

/** How to connect to a Sentinel-managed primary, as the service's own user. */
export function primaryTargetOf(sentinel: SentinelOptions | undefined, primary: HostAndPort): ConnectTarget {
  const { username, password } = sentinel ?? {};
  return { socket: { host: primary.host, port: primary.port }, ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** The FalkorDB users log in to: through Sentinel, the host's client, a URL, or an embedded server. */
export async function openUsersServer(options: FalkorDbModuleOptions, settings: UsersServerSettings): Promise<UsersServer> {
  const { url, client, clientServer, embedded, sentinel } = options;
  const { holdsStore, logger, connect } = settings;
  if (sentinel) return openSentinelServer(sentinel, settings);
  if (client) {
    const address = clientServer ? { host: clientServer.host, port: clientServer.port, tls: clientServer.tls ?? false } : { host: 'localhost', port: 6379, tls: false };
    return { address, client: holdsStore ? client : undefined, ownsClient: false };
  }
  if (url) {
    const address = serverAddressOfUrl(url);
    if (!holdsStore) return { address, ownsClient: true };
    const opened = await connect({ url }, new URL(url).host);
    logger.log(`Connected to FalkorDB at ${address.host}:${address.port}`);
    return { address, client: opened, ownsClient: true };
  }
  if (!embedded) throw new Error('FalkorDbModule needs `url`, `client` or `embedded` options');
  const server = await EmbeddedFalkorDb.start(embedded, logger);
  logOutagesOf(server, 'Embedded FalkorDB', logger);
  const address = { host: 'localhost', port: server.port, tls: false };
  let opened: FalkorDB | undefined;
  if (holdsStore) {
    try {
      opened = await connect({ socket: { host: '127.0.0.1', port: server.port } }, 'the embedded server');
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  logger.log(`Embedded FalkorDB on 127.0.0.1:${server.port}, data in ${server.dataDir}`);
  const name = await embeddedServerName(server.dataDir, server.port);
  if (name.port !== server.port) logger.log(`It keeps the name localhost:${name.port} (its first port): tokens minted before the port moved keep working`);
  return { address, client: opened, ownsClient: true, embedded: server, ...(name.port === server.port ? {} : { lastingName: name }) };
}

/**
 * A primary found through Sentinel. Its name for users is the master name (port 6379), whichever
 * node is primary; the store client (unless the store is elsewhere) and everything opened through
 * FalkorDbConnection.resolve() follow a failover without a restart.
 */
async function openSentinelServer(sentinel: SentinelOptions, settings: UsersServerSettings): Promise<UsersServer> {
  const { sentinels, masterName, username, password, sentinelUsername, sentinelPassword } = sentinel;
  const { logger } = settings;
  const locator = await SentinelMasterLocator.start({
    sentinels,
    masterName,
    sentinelCredentials: sentinelPassword === undefined ? undefined : { username: sentinelUsername, password: sentinelPassword },
    dataCredentials: password === undefined ? undefined : { username, password },
    logger: (level, message) => {
      if (level !== 'debug') logger[level](`Sentinel: ${message}`);
    },
  });
  const primary = locator.current as HostAndPort;
  locator.onChange(({ primary: next }) => settings.onPrimaryMoved(next));
  const server: UsersServer = { address: { host: masterName, port: SENTINEL_SERVER_PORT, tls: false }, ownsClient: true, locator };
  if (settings.holdsStore) {
    try {
      server.client = await settings.connect(primaryTargetOf(sentinel, primary), describeAddress(primary));
    } catch (error) {
      await locator.close().catch(() => undefined);
      throw error;
    }
    server.connectedTo = primary;
  }
  logger.log(`Following the primary of "${masterName}" at ${describeAddress(primary)} (Sentinel: ${sentinels.map(describeAddress).join(', ')})`);
  return server;
}

/**
 * A client on the primary a failover named, retried until it answers (quickly at first, then every
 * 2 s) unless `isCurrent()` says another failover or a shutdown made it moot: undefined then, and a
 * client that connected too late is closed.
 */
export async function connectToPrimary(
  sentinel: SentinelOptions | undefined,
  primary: HostAndPort,
  settings: { connect: UsersServerSettings['connect']; isCurrent: () => boolean; onFailure: (message: string) => void },
): Promise<FalkorDB | undefined> {
  for (let attempt = 0; settings.isCurrent(); attempt += 1) {
    try {
      const client = await settings.connect(primaryTargetOf(sentinel, primary), describeAddress(primary));
      if (settings.isCurrent()) return client;
      await client.close().catch(() => undefined);
      return undefined;
    } catch (error) {
      settings.onFailure(`new primary ${describeAddress(primary)}: ${errorMessage(error)}`);
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt)).unref());
    }
  }
  return undefined;
}
