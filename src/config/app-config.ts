import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { authOptionProblems, AuthModuleOptions, MIN_SECRET_LENGTH } from '../auth/auth.options';
import { DEFAULT_EMBEDDED_PORT, falkorDbOptionProblems, FalkorDbModuleOptions } from '../falkordb/falkordb.options';
import { parseServerAddress, ServerAddress } from '../falkordb/server-address';
import { graphApiOptionProblems, GraphApiModuleOptions } from '../graph-api/graph-api.options';
import { AllowedHosts, LOOPBACK_HOSTS } from '../http/host-allow-list';
import { tokensOptionProblems, TokensModuleOptions } from '../tokens/tokens.options';
import { loadOrCreateDevSecrets } from './dev-secrets';
import { Environment, readBoolean, readInteger } from './environment';
import { falkorDbLimitsOf, readSentinel, storeServerLoginProblems, withUrlCredentials } from './falkordb-settings';
import { readAllowedHosts, readHost, readOrigins, readPort, readShutdownGrace, readTrustProxy } from './http-settings';
import { readEventWebhook, readExpiryNoticeDays, readLifecycleScanIntervalMs, readRevokeUnusedDays } from './notify-settings';
import { readLogs, readMetrics, MetricsSettings } from './observability-settings';
import { LogSettings } from '../logging/log-settings';
import { inVariableNames } from './variable-names';

export type { Environment };

/** Everything the service reads from its environment: HTTP settings, and each module's options. */
export interface AppConfig {
  production: boolean;
  /** Address the HTTP server listens on: loopback in development, every interface in production. */
  host: string;
  port: number;
  /** Where the embedded FalkorDB keeps its data, and generated dev secrets live. */
  dataDir: string;
  /** Fastify `trustProxy`: false (default: the socket address is the client), true, or the proxies' addresses. */
  trustProxy: boolean | string;
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
  /** The metrics listener (METRICS_HOST:METRICS_PORT); null = no metrics (METRICS_PORT=0). */
  metrics: MetricsSettings | null;
  logs: LogSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Values copied from .env.example are placeholders, never real secrets. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|^(x+|0+)$/i;

/** The module validators check lengths; a value copied from .env.example is the environment's own mistake. */
function checkNotPlaceholder(name: string, value: string, problems: string[]): void {
  if (value.length >= MIN_SECRET_LENGTH && PLACEHOLDER.test(value)) {
    problems.push(`${name} still holds the .env.example placeholder: set a random value`);
  }
}

/**
 * The single place that reads the environment. Outside production, missing secrets are generated
 * once and kept in `<FALKORDB_DATA_DIR>/secrets.json` so restarts keep tokens valid; in production
 * a missing or weak secret stops startup.
 */
export async function loadAppConfig(env: Environment, output: { terminal: boolean } = { terminal: process.stdout.isTTY === true }): Promise<AppConfig> {
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
    metrics: readMetrics(env, readPort(env, []), problems),
    logs: readLogs(env, production, output.terminal, problems),
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
    rotationReuseGraceSeconds: readInteger(env, 'ROTATION_REUSE_GRACE_SECONDS', problems),
    expiryNoticeDays: readExpiryNoticeDays(env, problems),
    revokeUnusedAfterDays: readRevokeUnusedDays(env, problems),
    lifecycleScanIntervalMs: readLifecycleScanIntervalMs(env, problems),
    eventWebhook: readEventWebhook(env, problems),
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
  if (auth.eventWebhook) checkNotPlaceholder('NOTIFY_WEBHOOK_SECRET', auth.eventWebhook.secret, problems);
  if (/^[0-9a-fA-F]{64}$/.test(encryptionKey) && PLACEHOLDER.test(encryptionKey)) problems.push('ENCRYPTION_KEY still holds a placeholder');

  if (problems.length) throw new ConfigError(problems);
  return { ...http, falkordb, auth, tokens, graphApi };
}
