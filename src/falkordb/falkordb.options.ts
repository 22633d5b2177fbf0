import { join, resolve } from 'node:path';
import type { FalkorDB } from 'falkordb';
import { MAX_TIMER_MS } from '../common/deadline';
import type { UserConnectionPoolLimits } from './user-connections/user-connection-pool';

export interface EmbeddedFalkorDbOptions {
  /** Folder for the embedded server's data (AOF + RDB). */
  dataDir: string;
  /** TCP port on 127.0.0.1, so users can log in by host/port (the announcement uses localhost:6379). */
  port: number;
  /** Server binary; default: the bundled redis-server if it runs here, else valkey-server/redis-server >= 7.2 on PATH. */
  serverPath?: string;
  /** FalkorDB module; default: falkordb.so from @falkordblite/linux-x64. */
  modulePath?: string;
  /**
   * FalkorDB module arguments, passed after `--loadmodule` (e.g. `{ TIMEOUT_MAX: 10000,
   * TIMEOUT_DEFAULT: 5000, QUERY_MEM_CAPACITY: 1073741824, MAX_QUEUED_QUERIES: 100 }`).
   */
  moduleArgs?: Record<string, string | number>;
  /**
   * A password the server requires of every client (its `default` user's), given to it on its
   * standard input at each start: never on its command line, in its data folder or in the AOF.
   * For the token store's own server, whose password only the service knows.
   */
  password?: string;
  /**
   * Listen only on the unix socket `<dataDir>/falkordb.sock` (mode 700, the folder too), not on a
   * TCP port (`port` is then ignored): no other local user can connect, or take the address first.
   */
  unixSocket?: boolean;
  /**
   * Startup fails when the server makes no progress for this long (not listening yet, or its AOF
   * replay not advancing). A big store loading steadily is waited for however long it takes. Default 60 s.
   */
  readyTimeoutMs?: number;
}

/** The token store's own embedded server: a data folder (it listens on a unix socket in it, no TCP port). */
export type EmbeddedTokenStoreOptions = Pick<EmbeddedFalkorDbOptions, 'dataDir' | 'serverPath' | 'modulePath' | 'readyTimeoutMs'>;

/** Longest unix socket path Linux takes (sun_path is 108 bytes with its terminating NUL). */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** A FalkorDB primary with replicas, managed by Valkey/Redis Sentinel. */
export interface SentinelOptions {
  /** The sentinels (`host:port`); any of them may be down. */
  sentinels: { host: string; port: number }[];
  /**
   * The name the sentinels monitor the primary under. It is also the server's name for users:
   * they log in to host `<masterName>`, port 6379, whichever node is primary now.
   */
  masterName: string;
  /** The service's own FalkorDB user on the data servers (default user when omitted). */
  username?: string;
  password?: string;
  /** For sentinels that require a login. */
  sentinelUsername?: string;
  sentinelPassword?: string;
}

/** How many replicas must confirm a credential write (mint, revoke, rotation, audit) before it is acknowledged. */
export interface ReplicaAckOptions {
  /** Replicas that must confirm (WAIT). Default: 1 when the primary has replicas, 0 when it has none. */
  minReplicas?: number;
  /** How long a write waits for them; past it the request is answered 503. Default 2000 ms. */
  timeoutMs?: number;
}

export interface FalkorDbModuleOptions {
  /** `redis://user:pass@host:port` (or `rediss://` for TLS) of an external FalkorDB. */
  url?: string;
  /** A FalkorDB primary found through Sentinel (instead of `url`): every connection follows a failover. */
  sentinel?: SentinelOptions;
  /** Replica confirmation of credential writes (a primary with replicas, e.g. under Sentinel). */
  replicaAcks?: ReplicaAckOptions;
  /** Runs an embedded FalkorDB when neither `url` nor `client` is given. */
  embedded?: EmbeddedFalkorDbOptions;
  /**
   * A connected client owned by the host application, used instead of opening our own.
   * `clientServer` then names the server it is connected to (for the login allow-list).
   */
  client?: FalkorDB;
  clientServer?: { host: string; port: number; tls?: boolean };
  /** Graph that stores tokens and sessions. Default `token_management`. */
  tokenGraph?: string;
  /**
   * `redis://user:pass@host:port` of a FalkorDB that holds only the token store, apart from the one
   * users log in to (`url`, `client` or `embedded`): heavy user queries can then never delay
   * authentication. Recommended in production.
   */
  tokenStoreUrl?: string;
  /**
   * Runs the token store on an embedded FalkorDB of its own (instead of `tokenStoreUrl`): a second
   * local server whose password the service generates at each start and tells nobody, so no
   * FalkorDB user can read or write the store, and no user can log in to it. One service instance
   * only (the store lives in this machine's `dataDir`). The standalone service's default with an
   * embedded users' server.
   */
  tokenStoreEmbedded?: EmbeddedTokenStoreOptions;
  /** Upper bound for one store command; past it the request fails with 503 instead of hanging. */
  commandTimeoutMs?: number;
  /** How long startup waits for the store connection. */
  connectTimeoutMs?: number;
  /**
   * Connections opened as individual users (one per token or session, for the Graph API):
   * `maxSize` kept open at once (default 100, least recently used closed first) and closed after
   * `idleTimeoutMs` unused (default 60000).
   */
  userConnections?: Partial<UserConnectionPoolLimits>;
}

export const DEFAULT_TOKEN_GRAPH = 'token_management';
/** FalkorDB's usual port: the announcement's examples log in to localhost:6379. */
export const DEFAULT_EMBEDDED_PORT = 6379;

/** Where an embedded server started with `unixSocket` listens. */
export function embeddedSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'falkordb.sock');
}
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
export const DEFAULT_REPLICA_ACK_TIMEOUT_MS = 2000;
/** The port of a Sentinel-managed server's name (`<masterName>:6379`): FalkorDB's usual port. */
export const SENTINEL_SERVER_PORT = 6379;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10000;
export const DEFAULT_EMBEDDED_READY_TIMEOUT_MS = 60000;

/** FalkorDB module argument names (TIMEOUT_MAX, QUERY_MEM_CAPACITY, ...). */
export const MODULE_ARG_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** One word on the server's command line: no spaces, quotes or control characters, not an option (`--x`). */
const MODULE_ARG_VALUE_PATTERN = /^(?!--)[^\s"'\\\x00-\x1f\x7f]{1,256}$/;

/** Graph names the store accepts: letters, digits, `_` and `-`, starting with a letter or `_`. */
export const TOKEN_GRAPH_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
/** URL schemes of a FalkorDB server (the `s` forms use TLS). */
export const FALKORDB_URL_PROTOCOLS: readonly string[] = ['redis:', 'rediss:', 'falkor:', 'falkors:'];

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

function checkUrl(name: string, url: unknown, problems: string[]): void {
  if (url === undefined) return;
  if (typeof url !== 'string') {
    problems.push(`${name} must be a string URL (e.g. redis://user:pass@host:6379)`);
    return;
  }
  try {
    const protocol = new URL(url).protocol;
    if (!FALKORDB_URL_PROTOCOLS.includes(protocol)) problems.push(`${name} must start with redis://, rediss://, falkor:// or falkors:// (got ${protocol})`);
  } catch {
    problems.push(`${name} is not a valid URL (e.g. redis://user:pass@host:6379)`);
  }
}

function checkTimeout(name: string, value: unknown, problems: string[]): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > MAX_TIMER_MS) {
    problems.push(`${name} must be a positive integer number of milliseconds (at most ${MAX_TIMER_MS}), got ${JSON.stringify(value)}`);
  }
}

function checkModuleArgs(moduleArgs: unknown, problems: string[]): void {
  if (moduleArgs === undefined) return;
  if (moduleArgs === null || typeof moduleArgs !== 'object' || Array.isArray(moduleArgs)) {
    problems.push('embedded.moduleArgs must be an object of FalkorDB module arguments, e.g. { TIMEOUT_MAX: 10000 }');
    return;
  }
  for (const [name, value] of Object.entries(moduleArgs)) {
    if (!MODULE_ARG_NAME_PATTERN.test(name)) problems.push(`embedded.moduleArgs: ${JSON.stringify(name)} is not a module argument name (letters, digits and _)`);
    const valid = typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' && MODULE_ARG_VALUE_PATTERN.test(value);
    if (!valid) {
      problems.push(`embedded.moduleArgs.${name} must be a finite number or one word (no spaces or quotes, not starting with --), got ${JSON.stringify(value)}`);
    }
  }
}

function checkSentinel(sentinel: SentinelOptions | undefined, problems: string[]): void {
  if (sentinel === undefined) return;
  if (sentinel === null || typeof sentinel !== 'object') {
    problems.push('sentinel must be an object with `sentinels` and `masterName`');
    return;
  }
  const { sentinels, masterName } = sentinel;
  if (!Array.isArray(sentinels) || sentinels.length === 0) {
    problems.push('sentinel.sentinels must list at least one sentinel (host and port)');
  } else {
    for (const entry of sentinels) {
      if (!entry || typeof entry.host !== 'string' || !entry.host.trim() || !isPort(entry.port)) problems.push(`sentinel.sentinels has an invalid entry: ${JSON.stringify(entry)}`);
    }
  }
  // The master name is also the server's name users log in to: a host name's characters only.
  if (typeof masterName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(masterName)) {
    problems.push('sentinel.masterName must be the monitored master name: letters, digits, _ . - (starting with a letter or digit)');
  }
  for (const name of ['username', 'password', 'sentinelUsername', 'sentinelPassword'] as const) {
    const value = sentinel[name];
    if (value !== undefined && (typeof value !== 'string' || /[\s\x00-\x1f]/.test(value))) problems.push(`sentinel.${name} must be text without spaces or control characters`);
  }
}

function checkReplicaAcks(acks: ReplicaAckOptions | undefined, problems: string[]): void {
  if (acks === undefined) return;
  if (acks.minReplicas !== undefined && (!Number.isInteger(acks.minReplicas) || acks.minReplicas < 0 || acks.minReplicas > 100)) {
    problems.push(`replicaAcks.minReplicas must be an integer from 0 to 100, got ${JSON.stringify(acks.minReplicas)}`);
  }
  checkTimeout('replicaAcks.timeoutMs', acks.timeoutMs, problems);
}

function checkTokenStoreEmbedded(options: FalkorDbModuleOptions, problems: string[]): void {
  const store = options.tokenStoreEmbedded;
  if (store === undefined) return;
  if (store === null || typeof store !== 'object') {
    problems.push('tokenStoreEmbedded must be an object with dataDir and port');
    return;
  }
  if (options.tokenStoreUrl !== undefined) problems.push('give tokenStoreUrl or tokenStoreEmbedded, not both');
  checkTimeout('tokenStoreEmbedded.readyTimeoutMs', store.readyTimeoutMs, problems);
  if (typeof store.dataDir !== 'string' || store.dataDir.trim() === '') {
    problems.push('tokenStoreEmbedded.dataDir must be a non-empty path');
    return;
  }
  const socket = embeddedSocketPath(store.dataDir);
  if (Buffer.byteLength(socket) > MAX_UNIX_SOCKET_PATH_BYTES) {
    problems.push(`tokenStoreEmbedded.dataDir is too long a path for the store's unix socket (${socket}: at most ${MAX_UNIX_SOCKET_PATH_BYTES} bytes): choose a shorter data folder`);
  }
  const users = options.embedded;
  if (users && typeof users.dataDir === 'string' && resolve(store.dataDir) === resolve(users.dataDir)) {
    problems.push('tokenStoreEmbedded.dataDir must differ from embedded.dataDir');
  }
}

/**
 * Throws one error listing every problem with the options, so a host application learns at
 * startup (not at the first request) that its FalkorDbModule configuration cannot work.
 */
export function validateFalkorDbOptions(options: FalkorDbModuleOptions | undefined | null): void {
  const problems = falkorDbOptionProblems(options);
  if (problems.length) throw new Error(`Invalid FalkorDbModule options: ${problems.join('; ')}`);
}

/** Every problem with the options, each starting with the option's name. */
export function falkorDbOptionProblems(options: FalkorDbModuleOptions | undefined | null): string[] {
  if (!options || typeof options !== 'object') return ['options must be an object with `url`, `client` or `embedded`'];
  const problems: string[] = [];
  const { url, client, clientServer, embedded, tokenGraph, sentinel } = options;
  const sources = [url !== undefined && 'url', sentinel !== undefined && 'sentinel', client !== undefined && 'client', embedded !== undefined && 'embedded'].filter(
    (name): name is string => Boolean(name),
  );
  if (sources.length === 0) {
    problems.push('one of `url` (external FalkorDB), `sentinel`, `client` (a connected FalkorDB client) or `embedded` is required');
  } else if (sources.length > 1) {
    problems.push(`give only one of \`url\`, \`sentinel\`, \`client\` or \`embedded\` (got ${sources.join(', ')})`);
  }
  checkSentinel(sentinel, problems);
  checkReplicaAcks(options.replicaAcks, problems);
  checkUrl('url', url, problems);
  checkUrl('tokenStoreUrl', options.tokenStoreUrl, problems);
  if (client !== undefined && typeof (client as { selectGraph?: unknown } | null)?.selectGraph !== 'function') {
    problems.push("client must be a connected FalkorDB client (`await FalkorDB.connect(...)` from 'falkordb')");
  }
  if (clientServer !== undefined) {
    if (client === undefined) problems.push('clientServer is only used together with client');
    if (typeof clientServer?.host !== 'string' || clientServer.host.trim() === '') problems.push('clientServer.host must be a non-empty string');
    if (!isPort(clientServer?.port)) problems.push('clientServer.port must be an integer from 1 to 65535');
    if (clientServer?.tls !== undefined && typeof clientServer.tls !== 'boolean') problems.push('clientServer.tls must be a boolean');
  }
  if (embedded !== undefined) {
    if (typeof embedded?.dataDir !== 'string' || embedded.dataDir.trim() === '') problems.push('embedded.dataDir must be a non-empty path');
    if (!isPort(embedded?.port)) problems.push('embedded.port must be an integer from 1 to 65535');
    checkModuleArgs(embedded?.moduleArgs, problems);
    checkTimeout('embedded.readyTimeoutMs', embedded?.readyTimeoutMs, problems);
    // Its users are its ACL users; the service's own connection to it needs no password.
    if (embedded?.password !== undefined) problems.push('embedded.password is not supported: give users passwords through the ACL');
  }
  checkTokenStoreEmbedded(options, problems);
  if (tokenGraph !== undefined && (typeof tokenGraph !== 'string' || !TOKEN_GRAPH_PATTERN.test(tokenGraph))) {
    problems.push('tokenGraph must be 1..128 of [A-Za-z0-9_-], starting with a letter or _');
  }
  checkTimeout('commandTimeoutMs', options.commandTimeoutMs, problems);
  checkTimeout('connectTimeoutMs', options.connectTimeoutMs, problems);
  const pool = options.userConnections;
  if (pool !== undefined) {
    if (pool === null || typeof pool !== 'object') problems.push('userConnections must be an object with maxSize and/or idleTimeoutMs');
    else {
      if (pool.maxSize !== undefined && (!Number.isSafeInteger(pool.maxSize) || pool.maxSize <= 0)) {
        problems.push(`userConnections.maxSize must be a positive integer, got ${JSON.stringify(pool.maxSize)}`);
      }
      checkTimeout('userConnections.idleTimeoutMs', pool.idleTimeoutMs, problems);
    }
  }
  return problems;
}
