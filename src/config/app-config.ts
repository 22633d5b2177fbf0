import { isIP } from 'node:net';
import { AllowedHosts, LOOPBACK_HOSTS } from '../http/host-allow-list';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { authOptionProblems, AuthModuleOptions, MIN_SECRET_LENGTH } from '../auth/auth.options';
import { DEFAULT_EMBEDDED_PORT, falkorDbOptionProblems, FalkorDbModuleOptions, SentinelOptions } from '../falkordb/falkordb.options';
import { parseServerAddress, sameHost, ServerAddress, serverAddressOfUrl } from '../falkordb/server-address';
import { DEFAULT_MAX_QUERY_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS, graphApiOptionProblems, GraphApiModuleOptions } from '../graph-api/graph-api.options';
import { tokensOptionProblems, TokensModuleOptions } from '../tokens/tokens.options';
import { loadOrCreateDevSecrets } from './dev-secrets';

/** Everything the service reads from its environment: HTTP settings, and each module's options. */
export interface AppConfig {
  production: boolean;
  /** Address the HTTP server listens on: loopback in development, every interface in production. */
  host: string;
  port: number;
  /** Where the embedded FalkorDB keeps its data, and generated dev secrets live. */
  dataDir: string;
  /** Fastify `trustProxy`: false (default: the socket address is the client), true, a hop count or addresses. */
  trustProxy: boolean | number | string;
  /** Browser origins allowed for CORS and for cookie-authenticated requests; empty = CORS off. */
  corsOrigins: string[];
  /** Host names requests may be addressed to (DNS rebinding defence); `*` = any. */
  allowedHosts: AllowedHosts;
  /** On SIGTERM/SIGINT: longest wait for in-flight requests before HTTP closes (see src/shutdown/). */
  shutdownGraceMs: number;
  falkordb: FalkorDbModuleOptions;
  auth: AuthModuleOptions;
  tokens: TokensModuleOptions;
  graphApi: GraphApiModuleOptions;
}

const DEFAULT_HTTP_PORT = 3000;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** A supervisor kills a process that takes longer anyway (Docker after 10 s, Kubernetes after 30 s by default). */
const MAX_SHUTDOWN_GRACE_MS = 600_000;

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Values copied from .env.example are placeholders, never real secrets. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|^(x+|0+)$/i;

/** An integer setting; its range is the module validator's business (PORT excepted: it is ours). */
function readInteger(env: Environment, name: string, problems: string[]): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be an integer (got "${env[name]}")`);
    return undefined;
  }
  return Number(raw);
}

function readBoolean(env: Environment, name: string, problems: string[]): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return undefined;
}

/** `ALLOWED_HOSTS`: comma-separated host names or IP addresses (no ports), or `*`. */
function readAllowedHosts(raw: string | undefined, fallback: AllowedHosts, problems: string[]): AllowedHosts {
  const value = raw?.trim();
  if (!value) return fallback;
  if (value === '*') return '*';
  const hosts = value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  for (const host of hosts) {
    if (!isIP(host) && !/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(host)) {
      problems.push(`ALLOWED_HOSTS entries must be host names or IP addresses without a port, or * (got "${host}")`);
    }
  }
  return hosts;
}

/** The HTTP port (0 = any free port, for tests). */
function readPort(env: Environment, problems: string[]): number {
  const port = readInteger(env, 'PORT', problems) ?? DEFAULT_HTTP_PORT;
  if (port > 65535) problems.push(`PORT must be an integer from 0 to 65535 (got "${env.PORT}")`);
  return port;
}

/** An IP address or a host name: what `listen()` accepts. */
function readHost(raw: string | undefined, fallback: string, problems: string[]): string {
  const value = raw?.trim();
  if (!value) return fallback;
  if (isIP(value) || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) return value;
  problems.push(`HOST must be an IP address or a host name, e.g. 0.0.0.0 or 127.0.0.1 (got "${raw}")`);
  return fallback;
}

function readShutdownGrace(env: Environment, problems: string[]): number {
  const ms = readInteger(env, 'SHUTDOWN_GRACE_MS', problems) ?? DEFAULT_SHUTDOWN_GRACE_MS;
  if (ms > MAX_SHUTDOWN_GRACE_MS) problems.push(`SHUTDOWN_GRACE_MS must be an integer from 0 to ${MAX_SHUTDOWN_GRACE_MS} (got "${env.SHUTDOWN_GRACE_MS}")`);
  return Math.min(ms, MAX_SHUTDOWN_GRACE_MS);
}

function readTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  const value = raw?.trim();
  if (!value || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^[0-9a-fA-F:.,/\s]+$/.test(value)) return value;
  problems.push(`TRUST_PROXY must be true, false, a hop count or proxy addresses (got "${raw}")`);
  return false;
}

function readOrigins(raw: string | undefined, problems: string[]): string[] {
  const origins: string[] = [];
  for (const entry of (raw ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    try {
      const url = new URL(entry);
      if (url.origin === 'null' || url.pathname !== '/' || url.search) throw new Error();
      origins.push(url.origin);
    } catch {
      problems.push(`CORS_ORIGINS entries must be origins like https://app.example.com (got "${entry}")`);
    }
  }
  return origins;
}

/** The module validators check lengths; a value copied from .env.example is the environment's own mistake. */
function checkNotPlaceholder(name: string, value: string, problems: string[]): void {
  if (value.length >= MIN_SECRET_LENGTH && PLACEHOLDER.test(value)) {
    problems.push(`${name} still holds the .env.example placeholder: set a random value`);
  }
}

/** Which variable sets each module option, to name the variable in the module validators' messages. */
const VARIABLE_OF_OPTION: Readonly<Record<string, string>> = {
  url: 'FALKORDB_URL',
  tokenStoreUrl: 'TOKEN_STORE_URL',
  'tokenStoreEmbedded.dataDir': 'FALKORDB_DATA_DIR',
  tokenStoreExposure: 'TOKEN_STORE_EXPOSURE',
  'embedded.port': 'FALKORDB_EMBEDDED_PORT',
  'embedded.dataDir': 'FALKORDB_DATA_DIR',
  tokenGraph: 'TOKEN_GRAPH',
  'userConnections.maxSize': 'GRAPH_MAX_CONNECTIONS',
  'userConnections.idleTimeoutMs': 'GRAPH_IDLE_CONNECTION_MS',
  'sentinel.sentinels': 'FALKORDB_SENTINELS',
  'sentinel.masterName': 'FALKORDB_SENTINEL_MASTER',
  'sentinel.username': 'FALKORDB_USERNAME',
  'sentinel.password': 'FALKORDB_PASSWORD',
  'sentinel.sentinelUsername': 'FALKORDB_SENTINEL_USERNAME',
  'sentinel.sentinelPassword': 'FALKORDB_SENTINEL_PASSWORD',
  'replicaAcks.minReplicas': 'FALKORDB_MIN_REPLICAS_ACK',
  'replicaAcks.timeoutMs': 'FALKORDB_REPLICA_ACK_TIMEOUT_MS',
  jwtSecret: 'JWT_SECRET',
  previousJwtSecrets: 'JWT_PREVIOUS_SECRETS',
  sessionSecret: 'SESSION_SECRET',
  encryptionKey: 'ENCRYPTION_KEY',
  sessionTtlSeconds: 'SESSION_TTL_SECONDS',
  tokenRetentionDays: 'TOKEN_RETENTION_DAYS',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  maxSessionsPerUser: 'SESSIONS_MAX_PER_USER',
  sharedState: 'AUTH_SHARED_STATE',
  maxTtlSeconds: 'TOKEN_MAX_TTL_SECONDS',
  allowNeverExpiring: 'TOKEN_ALLOW_NEVER_EXPIRE',
  maxActiveTokensPerUser: 'TOKEN_MAX_ACTIVE_PER_USER',
  maxRows: 'GRAPH_MAX_ROWS',
  defaultTimeoutMs: 'GRAPH_QUERY_TIMEOUT_MS',
  maxTimeoutMs: 'GRAPH_MAX_QUERY_TIMEOUT_MS',
  maxQueuedPerCredential: 'GRAPH_MAX_QUEUED_PER_TOKEN',
  maxBusyConnectionsPerUser: 'GRAPH_MAX_BUSY_CONNECTIONS_PER_USER',
  maxBusyConnections: 'GRAPH_MAX_BUSY_CONNECTIONS',
};

/**
 * `FALKORDB_SENTINELS` (comma-separated host:port) with `FALKORDB_SENTINEL_MASTER`: a primary
 * found through Sentinel instead of `FALKORDB_URL`. The service's user is FALKORDB_USERNAME /
 * FALKORDB_PASSWORD; the sentinels' own login, if any, FALKORDB_SENTINEL_USERNAME / _PASSWORD.
 */
function readSentinel(env: Environment, problems: string[]): SentinelOptions | undefined {
  const list = env.FALKORDB_SENTINELS?.trim();
  const masterName = env.FALKORDB_SENTINEL_MASTER?.trim();
  if (!list) {
    if (masterName) problems.push('FALKORDB_SENTINEL_MASTER needs FALKORDB_SENTINELS (the sentinels, host:port,...)');
    return undefined;
  }
  if (!masterName) problems.push('FALKORDB_SENTINELS needs FALKORDB_SENTINEL_MASTER (the master name the sentinels monitor)');
  if (env.FALKORDB_URL?.trim()) problems.push('give FALKORDB_URL or FALKORDB_SENTINELS, not both (with Sentinel the service user is FALKORDB_USERNAME / FALKORDB_PASSWORD)');
  const sentinels: { host: string; port: number }[] = [];
  for (const entry of list.split(',').map((part) => part.trim()).filter(Boolean)) {
    try {
      const { host, port } = parseServerAddress(entry);
      sentinels.push({ host, port });
    } catch (error) {
      problems.push(`FALKORDB_SENTINELS: ${(error as Error).message}`);
    }
  }
  const optional = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  return {
    sentinels,
    masterName: masterName ?? '',
    username: optional('FALKORDB_USERNAME'),
    password: optional('FALKORDB_PASSWORD'),
    sentinelUsername: optional('FALKORDB_SENTINEL_USERNAME'),
    sentinelPassword: optional('FALKORDB_SENTINEL_PASSWORD'),
  };
}

/** FALKORDB_USERNAME / FALKORDB_PASSWORD put into FALKORDB_URL, which may also carry them itself (not both). */
function withUrlCredentials(url: string, env: Environment, problems: string[]): string {
  const username = env.FALKORDB_USERNAME;
  const password = env.FALKORDB_PASSWORD;
  if (!username && !password) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url; // the module's validator names the bad URL
  }
  if (parsed.username || parsed.password) {
    problems.push('FALKORDB_URL already carries a username or password: drop FALKORDB_USERNAME / FALKORDB_PASSWORD, or take them out of the URL');
    return url;
  }
  parsed.username = encodeURIComponent(username || 'default');
  parsed.password = encodeURIComponent(password ?? '');
  return parsed.toString();
}

/** FalkorDB's own limit on the memory one query may use (bytes). */
const DEFAULT_QUERY_MEM_CAPACITY = 1024 * 1024 * 1024;
/** FalkorDB's own limit on queries waiting for a thread; beyond it FalkorDB refuses (503). */
const DEFAULT_MAX_QUEUED_QUERIES = 256;

/**
 * FalkorDB's own limits for the embedded server, from our settings: its query time limits follow
 * the Graph API's, so FalkorDB stops a read that runs past them even when no client waits for it.
 */
function falkorDbLimitsOf(env: Environment, graphApi: GraphApiModuleOptions, problems: string[]): Record<string, number> {
  const limits = {
    TIMEOUT_DEFAULT: graphApi.defaultTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    TIMEOUT_MAX: graphApi.maxTimeoutMs ?? Math.max(DEFAULT_MAX_QUERY_TIMEOUT_MS, graphApi.defaultTimeoutMs ?? 0),
    QUERY_MEM_CAPACITY: readInteger(env, 'FALKORDB_QUERY_MEM_CAPACITY', problems) ?? DEFAULT_QUERY_MEM_CAPACITY,
    MAX_QUEUED_QUERIES: readInteger(env, 'FALKORDB_MAX_QUEUED_QUERIES', problems) ?? DEFAULT_MAX_QUEUED_QUERIES,
  };
  if (limits.QUERY_MEM_CAPACITY < 1024 * 1024) problems.push('FALKORDB_QUERY_MEM_CAPACITY must be at least 1048576 (1 MiB)');
  if (limits.MAX_QUEUED_QUERIES < 1) problems.push('FALKORDB_MAX_QUEUED_QUERIES must be at least 1');
  return limits;
}

const OPTION_NAME = new RegExp(
  `(?<![\\w.])(${Object.keys(VARIABLE_OF_OPTION).sort((a, b) => b.length - a.length).map((name) => name.replace('.', '\\.')).join('|')})(?![\\w])`,
  'g',
);

/** A module validator's message, with each option named by the variable that sets it. */
function inVariableNames(problem: string): string {
  return problem.replace(OPTION_NAME, (option: string) => VARIABLE_OF_OPTION[option] ?? option);
}

/** The token store's own server is never a login target: an allow-list naming it is a mistake. */
function storeServerLoginProblems(graph: FalkorDbModuleOptions, allowedServers: ServerAddress[] | undefined): string[] {
  // The embedded store listens on a unix socket only: no allow-list entry can name it.
  let store: { host: string; port: number } | undefined;
  try {
    if (graph.tokenStoreUrl) store = serverAddressOfUrl(graph.tokenStoreUrl);
  } catch {
    return []; // the module's validator names the bad URL
  }
  const named = store && allowedServers?.find((server) => server.port === store.port && sameHost(server.host, store.host));
  return named ? [`FALKORDB_ALLOWED_SERVERS names the token store's own server (${named.host}:${named.port}): users never log in there`] : [];
}

/**
 * The single place that reads the environment. Outside production, missing secrets are generated
 * once and kept in `<FALKORDB_DATA_DIR>/secrets.json` so restarts keep tokens valid; in production
 * a missing or weak secret stops startup.
 */
export async function loadAppConfig(env: Environment): Promise<AppConfig> {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const dataDir = resolve(env.FALKORDB_DATA_DIR?.trim() || './data');

  const rawFalkordbUrl = env.FALKORDB_URL?.trim() || undefined;
  const sentinel = readSentinel(env, problems);
  const falkordbUrl = rawFalkordbUrl && !sentinel ? withUrlCredentials(rawFalkordbUrl, env, problems) : undefined;

  let allowedServers: ServerAddress[] | undefined;
  const allowList = env.FALKORDB_ALLOWED_SERVERS?.trim();
  if (allowList) {
    allowedServers = [];
    for (const entry of allowList.split(',').map((part) => part.trim()).filter(Boolean)) {
      try {
        allowedServers.push(parseServerAddress(entry));
      } catch (error) {
        problems.push(`FALKORDB_ALLOWED_SERVERS: ${(error as Error).message}`);
      }
    }
  }

  const graphApi: GraphApiModuleOptions = {
    maxRows: readInteger(env, 'GRAPH_MAX_ROWS', problems),
    defaultTimeoutMs: readInteger(env, 'GRAPH_QUERY_TIMEOUT_MS', problems),
    maxTimeoutMs: readInteger(env, 'GRAPH_MAX_QUERY_TIMEOUT_MS', problems),
    maxQueuedPerCredential: readInteger(env, 'GRAPH_MAX_QUEUED_PER_TOKEN', problems),
    maxBusyConnectionsPerUser: readInteger(env, 'GRAPH_MAX_BUSY_CONNECTIONS_PER_USER', problems),
    // FalkorDB runs one query per thread (one per core by default): one thread stays free for authentication.
    maxBusyConnections: readInteger(env, 'GRAPH_MAX_BUSY_CONNECTIONS', problems) ?? Math.max(1, availableParallelism() - 1),
  };
  const embeddedPort = readInteger(env, 'FALKORDB_EMBEDDED_PORT', problems);
  const embeddedUsersServer = !sentinel && !falkordbUrl;
  const tokenStoreUrl = env.TOKEN_STORE_URL?.trim() || undefined;
  const falkordb: FalkorDbModuleOptions = {
    ...(sentinel
      ? { sentinel }
      : falkordbUrl
        ? { url: falkordbUrl }
        : { embedded: { dataDir: join(dataDir, 'falkordb'), port: embeddedPort ?? DEFAULT_EMBEDDED_PORT, moduleArgs: falkorDbLimitsOf(env, graphApi, problems) } }),
    replicaAcks: { minReplicas: readInteger(env, 'FALKORDB_MIN_REPLICAS_ACK', problems), timeoutMs: readInteger(env, 'FALKORDB_REPLICA_ACK_TIMEOUT_MS', problems) },
    tokenGraph: env.TOKEN_GRAPH?.trim() || undefined,
    tokenStoreUrl,
    // Isolation by default: with the embedded users' server, the store gets an embedded server of its own.
    ...(embeddedUsersServer && !tokenStoreUrl
      ? { tokenStoreEmbedded: { dataDir: join(dataDir, 'token-store') } }
      : {}),
    userConnections: {
      maxSize: readInteger(env, 'GRAPH_MAX_CONNECTIONS', problems),
      idleTimeoutMs: readInteger(env, 'GRAPH_IDLE_CONNECTION_MS', problems),
    },
  };
  const tokens: TokensModuleOptions = {
    maxTtlSeconds: readInteger(env, 'TOKEN_MAX_TTL_SECONDS', problems),
    allowNeverExpiring: readBoolean(env, 'TOKEN_ALLOW_NEVER_EXPIRE', problems),
    maxActiveTokensPerUser: readInteger(env, 'TOKEN_MAX_ACTIVE_PER_USER', problems),
  };
  const http = {
    production,
    // The embedded server's `default` user has no password: in development only this machine may call.
    host: readHost(env.HOST, production ? '0.0.0.0' : '127.0.0.1', problems),
    port: readPort(env, problems),
    dataDir,
    trustProxy: readTrustProxy(env.TRUST_PROXY, problems),
    corsOrigins: readOrigins(env.CORS_ORIGINS, problems),
    // Development listens on loopback with a passwordless FalkorDB user: only loopback names by default.
    allowedHosts: readAllowedHosts(env.ALLOWED_HOSTS, production ? '*' : LOOPBACK_HOSTS, problems),
    shutdownGraceMs: readShutdownGrace(env, problems),
  };

  let jwtSecret = env.JWT_SECRET ?? '';
  let sessionSecret = env.SESSION_SECRET ?? '';
  let encryptionKey = env.ENCRYPTION_KEY ?? '';
  const missing = [!jwtSecret && 'JWT_SECRET', !sessionSecret && 'SESSION_SECRET', !encryptionKey && 'ENCRYPTION_KEY'].filter(
    (name): name is string => Boolean(name),
  );
  if (missing.length && production) {
    problems.push(`${missing.join(', ')} must be set when NODE_ENV=production`);
  } else if (missing.length) {
    const generated = await loadOrCreateDevSecrets(join(dataDir, 'secrets.json'));
    jwtSecret ||= generated.jwtSecret;
    sessionSecret ||= generated.sessionSecret;
    encryptionKey ||= generated.encryptionKey;
  }
  const previousJwtSecrets = (env.JWT_PREVIOUS_SECRETS ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  const auth: AuthModuleOptions = {
    jwtSecret,
    previousJwtSecrets,
    sessionSecret,
    encryptionKey,
    allowedServers,
    sessionTtlSeconds: readInteger(env, 'SESSION_TTL_SECONDS', problems),
    tokenRetentionDays: readInteger(env, 'TOKEN_RETENTION_DAYS', problems),
    auditRetentionDays: readInteger(env, 'AUDIT_RETENTION_DAYS', problems),
    maxSessionsPerUser: readInteger(env, 'SESSIONS_MAX_PER_USER', problems),
    secureCookies: readBoolean(env, 'SECURE_COOKIES', problems) ?? production,
    trustedOrigins: http.corsOrigins,
    // Checked by the auth validator (falkordb or instance).
    sharedState: (env.AUTH_SHARED_STATE?.trim().toLowerCase() || undefined) as AuthModuleOptions['sharedState'],
    // A store users can write is refused in production unless the operator accepts it (checked by the auth validator).
    tokenStoreExposure: (env.TOKEN_STORE_EXPOSURE?.trim().toLowerCase() || (production ? 'refuse' : 'warn')) as AuthModuleOptions['tokenStoreExposure'],
  };
  problems.push(...storeServerLoginProblems(falkordb, allowedServers));

  // The modules' own rules, reported with the variables' names (only once every secret is known).
  const secretsKnown = !(missing.length && production);
  problems.push(
    ...[
      ...falkorDbOptionProblems(falkordb),
      ...(secretsKnown ? authOptionProblems(auth) : []),
      ...tokensOptionProblems(tokens),
      ...graphApiOptionProblems(graphApi),
    ].map(inVariableNames),
  );
  checkNotPlaceholder('JWT_SECRET', jwtSecret, problems);
  checkNotPlaceholder('SESSION_SECRET', sessionSecret, problems);
  previousJwtSecrets.forEach((secret, index) => checkNotPlaceholder(`JWT_PREVIOUS_SECRETS[${index}]`, secret, problems));
  if (/^[0-9a-fA-F]{64}$/.test(encryptionKey) && PLACEHOLDER.test(encryptionKey)) problems.push('ENCRYPTION_KEY still holds a placeholder');

  if (problems.length) throw new ConfigError(problems);
  return { ...http, falkordb, auth, tokens, graphApi };
}
