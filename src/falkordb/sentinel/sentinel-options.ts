import { ServerAddress } from '../server-address';

/** A sentinel, or the data server a sentinel names (sentinels report plain host and port). */
export type HostAndPort = Pick<ServerAddress, 'host' | 'port'>;

export interface Credentials {
  /** Without a username the password is the `default` user's (`requirepass`). */
  username?: string;
  password: string;
}

/** Nothing is logged by the locator itself: what it has to tell goes to this callback. */
export type LocatorLogger = (level: 'debug' | 'log' | 'warn', message: string) => void;

export interface SentinelMasterLocatorOptions {
  /** Any of them may be down; they are asked in turn. */
  sentinels: readonly HostAndPort[];
  /** The name the sentinels monitor the primary under (`sentinel monitor <name> ...`). */
  masterName: string;
  /** For the sentinels, when they require a login. */
  sentinelCredentials?: Credentials;
  /** For the data servers: the named primary is checked with ROLE as this user before it is believed. */
  dataCredentials?: Credentials;
  /** Connect-and-reply budget of each question to one sentinel or data server. Default 1000 ms. */
  requestTimeoutMs?: number;
  /** Re-resolves this often in case an announcement was missed (0: never). Default 5000 ms. */
  pollIntervalMs?: number;
  logger?: LocatorLogger;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 1000;
export const DEFAULT_POLL_INTERVAL_MS = 5000;

export const describeAddress = ({ host, port }: HostAndPort): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

