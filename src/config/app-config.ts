import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { MIN_SECRET_LENGTH } from '../auth/auth.options';
import { parseServerAddress, ServerAddress } from '../graph/server-address';
import { DEFAULT_TOKEN_GRAPH, FALKORDB_URL_PROTOCOLS, TOKEN_GRAPH_PATTERN } from '../graph/graph.options';
import { DEFAULT_MAX_TTL_SECONDS } from '../tokens/tokens.options';
import { loadOrCreateDevSecrets } from './dev-secrets';

/** Everything the service reads from its environment, validated. */
export interface AppConfig {
  production: boolean;
  /** Address the HTTP server listens on: loopback in development, every interface in production. */
  host: string;
  port: number;
  /** External FalkorDB; undefined = run the embedded one. */
  falkordbUrl?: string;
  dataDir: string;
  embeddedPort: number;
  /** Undefined = only the configured server. */
  allowedServers?: ServerAddress[];
  tokenGraph: string;
  jwtSecret: string;
  /** Earlier JWT secrets still accepted for verification after a rotation. */
  previousJwtSecrets: string[];
  sessionSecret: string;
  encryptionKey: string;
  tokenMaxTtlSeconds: number;
  allowNeverExpiring: boolean;
  maxActiveTokensPerUser: number;
  sessionTtlSeconds: number;
  secureCookies: boolean;
  /** Fastify `trustProxy`: false (default: the socket address is the client), true, a hop count or addresses. */
  trustProxy: boolean | number | string;
  /** Browser origins allowed for CORS and for cookie-authenticated requests; empty = CORS off. */
  corsOrigins: string[];
  graphApi: {
    maxRows: number;
    defaultTimeoutMs: number;
    maxTimeoutMs: number;
    maxPooledConnections: number;
    idleConnectionTimeoutMs: number;
  };
}

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Values copied from .env.example are placeholders, never real secrets. */
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?me|placeholder|example|^(x+|0+)$/i;

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return Number(raw);
}

function readBoolean(env: Environment, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  problems.push(`${name} must be true or false (got "${env[name]}")`);
  return fallback;
}

/** An IP address or a host name: what `listen()` accepts. */
function readHost(raw: string | undefined, fallback: string, problems: string[]): string {
  const value = raw?.trim();
  if (!value) return fallback;
  if (isIP(value) || /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) return value;
  problems.push(`HOST must be an IP address or a host name, e.g. 0.0.0.0 or 127.0.0.1 (got "${raw}")`);
  return fallback;
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

function checkSecret(name: string, value: string, problems: string[]): void {
  if (value.length < MIN_SECRET_LENGTH) problems.push(`${name} must be at least ${MIN_SECRET_LENGTH} characters`);
  else if (PLACEHOLDER.test(value)) problems.push(`${name} still holds the .env.example placeholder: set a random value`);
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

  const falkordbUrl = env.FALKORDB_URL?.trim() || undefined;
  if (falkordbUrl) {
    try {
      const protocol = new URL(falkordbUrl).protocol;
      if (!FALKORDB_URL_PROTOCOLS.includes(protocol)) {
        problems.push(`FALKORDB_URL must start with redis://, rediss://, falkor:// or falkors:// (got ${protocol})`);
      }
    } catch {
      problems.push('FALKORDB_URL is not a valid URL (e.g. redis://user:pass@host:6379)');
    }
  }

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

  const tokenGraph = env.TOKEN_GRAPH?.trim() || DEFAULT_TOKEN_GRAPH;
  if (!TOKEN_GRAPH_PATTERN.test(tokenGraph)) {
    problems.push('TOKEN_GRAPH must be 1..128 of [A-Za-z0-9_-], starting with a letter or _');
  }

  const config = {
    production,
    // The embedded server's `default` user has no password: in development only this machine may call.
    host: readHost(env.HOST, production ? '0.0.0.0' : '127.0.0.1', problems),
    port: readInteger(env, 'PORT', 3000, 0, 65535, problems),
    falkordbUrl,
    dataDir,
    embeddedPort: readInteger(env, 'FALKORDB_EMBEDDED_PORT', 6379, 1, 65535, problems),
    allowedServers,
    tokenGraph,
    tokenMaxTtlSeconds: readInteger(env, 'TOKEN_MAX_TTL_SECONDS', DEFAULT_MAX_TTL_SECONDS, 1, 100 * 365 * 24 * 3600, problems),
    allowNeverExpiring: readBoolean(env, 'TOKEN_ALLOW_NEVER_EXPIRE', true, problems),
    maxActiveTokensPerUser: readInteger(env, 'TOKEN_MAX_ACTIVE_PER_USER', 100, 1, 1_000_000, problems),
    trustProxy: readTrustProxy(env.TRUST_PROXY, problems),
    corsOrigins: readOrigins(env.CORS_ORIGINS, problems),
    graphApi: {
      maxRows: readInteger(env, 'GRAPH_MAX_ROWS', 10_000, 1, 10_000_000, problems),
      defaultTimeoutMs: readInteger(env, 'GRAPH_QUERY_TIMEOUT_MS', 10_000, 1, 3_600_000, problems),
      maxTimeoutMs: readInteger(env, 'GRAPH_MAX_QUERY_TIMEOUT_MS', 60_000, 1, 3_600_000, problems),
      maxPooledConnections: readInteger(env, 'GRAPH_MAX_CONNECTIONS', 100, 1, 100_000, problems),
      idleConnectionTimeoutMs: readInteger(env, 'GRAPH_IDLE_CONNECTION_MS', 60_000, 1000, 86_400_000, problems),
    },
    sessionTtlSeconds: readInteger(env, 'SESSION_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600, problems),
    secureCookies: readBoolean(env, 'SECURE_COOKIES', production, problems),
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
  if (jwtSecret) checkSecret('JWT_SECRET', jwtSecret, problems);
  if (sessionSecret) checkSecret('SESSION_SECRET', sessionSecret, problems);
  if (jwtSecret && jwtSecret === sessionSecret) problems.push('SESSION_SECRET must differ from JWT_SECRET');
  const previousJwtSecrets = (env.JWT_PREVIOUS_SECRETS ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  previousJwtSecrets.forEach((secret, index) => checkSecret(`JWT_PREVIOUS_SECRETS[${index}]`, secret, problems));
  if (encryptionKey && !/^[0-9a-fA-F]{64}$/.test(encryptionKey)) problems.push('ENCRYPTION_KEY must be 64 hex characters (32 bytes)');
  else if (encryptionKey && PLACEHOLDER.test(encryptionKey)) problems.push('ENCRYPTION_KEY still holds a placeholder');

  if (config.graphApi.defaultTimeoutMs > config.graphApi.maxTimeoutMs) {
    problems.push('GRAPH_QUERY_TIMEOUT_MS must not exceed GRAPH_MAX_QUERY_TIMEOUT_MS');
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...config, jwtSecret, previousJwtSecrets, sessionSecret, encryptionKey };
}
