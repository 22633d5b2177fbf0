import { FalkorDbModuleOptions, SentinelOptions } from '../falkordb/falkordb.options';
import { parseServerAddress, sameHost, ServerAddress, serverAddressOfUrl } from '../falkordb/server-address';
import { DEFAULT_MAX_QUERY_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS, GraphApiModuleOptions } from '../graph-api/graph-api.options';
import { Environment, readInteger } from './environment';

/* The FalkorDB settings the environment gives: Sentinel, the service's own user, the embedded server's limits, the store's server. */

/**
 * `FALKORDB_SENTINELS` (comma-separated host:port) with `FALKORDB_SENTINEL_MASTER`: a primary
 * found through Sentinel instead of `FALKORDB_URL`. The service's user is FALKORDB_USERNAME /
 * FALKORDB_PASSWORD; the sentinels' own login, if any, FALKORDB_SENTINEL_USERNAME / _PASSWORD.
 */
export function readSentinel(env: Environment, problems: string[]): SentinelOptions | undefined {
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
export function withUrlCredentials(url: string, env: Environment, problems: string[]): string {
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
export function falkorDbLimitsOf(env: Environment, graphApi: GraphApiModuleOptions, problems: string[]): Record<string, number> {
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

/** The token store's own server is never a login target: an allow-list naming it is a mistake. */
export function storeServerLoginProblems(falkordb: FalkorDbModuleOptions, allowedServers: ServerAddress[] | undefined): string[] {
  // The embedded store listens on a unix socket only: no allow-list entry can name it.
  let store: { host: string; port: number } | undefined;
  try {
    if (falkordb.tokenStoreUrl) store = serverAddressOfUrl(falkordb.tokenStoreUrl);
  } catch {
    return []; // the module's validator names the bad URL
  }
  const named = store && allowedServers?.find((server) => server.port === store.port && sameHost(server.host, store.host));
  return named ? [`FALKORDB_ALLOWED_SERVERS names the token store's own server (${named.host}:${named.port}): users never log in there`] : [];
}
