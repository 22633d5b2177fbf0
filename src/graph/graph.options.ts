import type { FalkorDB } from 'falkordb';
import { MAX_TIMER_MS } from '../common/deadline';

export interface EmbeddedFalkorDbOptions {
  /** Folder for the embedded server's data (AOF + RDB). */
  dataDir: string;
  /** TCP port on 127.0.0.1, so users can log in by host/port (the announcement uses localhost:6379). */
  port: number;
  /** Server binary; default: the bundled redis-server if it runs here, else valkey-server/redis-server >= 7.2 on PATH. */
  serverPath?: string;
  /** FalkorDB module; default: falkordb.so from @falkordblite/linux-x64. */
  modulePath?: string;
}

export interface GraphModuleOptions {
  /** `redis://user:pass@host:port` (or `rediss://` for TLS) of an external FalkorDB. */
  url?: string;
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
  /** Upper bound for one store command; past it the request fails with 503 instead of hanging. */
  commandTimeoutMs?: number;
  /** How long startup waits for the store connection. */
  connectTimeoutMs?: number;
}

export const DEFAULT_TOKEN_GRAPH = 'token_management';
export const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10000;

/** Graph names the store accepts: letters, digits, `_` and `-`, starting with a letter or `_`. */
export const TOKEN_GRAPH_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
/** URL schemes of a FalkorDB server (the `s` forms use TLS). */
export const FALKORDB_URL_PROTOCOLS: readonly string[] = ['redis:', 'rediss:', 'falkor:', 'falkors:'];

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

function checkTimeout(name: string, value: unknown, problems: string[]): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > MAX_TIMER_MS) {
    problems.push(`${name} must be a positive integer number of milliseconds (at most ${MAX_TIMER_MS}), got ${JSON.stringify(value)}`);
  }
}

/**
 * Throws one error listing every problem with the options, so a host application learns at
 * startup (not at the first request) that its GraphModule configuration cannot work.
 */
export function validateGraphOptions(options: GraphModuleOptions | undefined | null): void {
  if (!options || typeof options !== 'object') {
    throw new Error('Invalid GraphModule options: expected an options object with `url`, `client` or `embedded`');
  }
  const problems: string[] = [];
  const { url, client, clientServer, embedded, tokenGraph } = options;
  const sources = [url !== undefined && 'url', client !== undefined && 'client', embedded !== undefined && 'embedded'].filter(
    (name): name is string => Boolean(name),
  );
  if (sources.length === 0) {
    problems.push('one of `url` (external FalkorDB), `client` (a connected FalkorDB client) or `embedded` is required');
  } else if (sources.length > 1) {
    problems.push(`give only one of \`url\`, \`client\` or \`embedded\` (got ${sources.join(', ')})`);
  }
  if (url !== undefined) {
    try {
      const protocol = new URL(url).protocol;
      if (!FALKORDB_URL_PROTOCOLS.includes(protocol)) problems.push(`url must start with redis://, rediss://, falkor:// or falkors:// (got ${protocol})`);
    } catch {
      problems.push('url is not a valid URL (e.g. redis://user:pass@host:6379)');
    }
  }
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
  }
  if (tokenGraph !== undefined && (typeof tokenGraph !== 'string' || !TOKEN_GRAPH_PATTERN.test(tokenGraph))) {
    problems.push(`tokenGraph must be 1..128 of [A-Za-z0-9_-], starting with a letter or _ (got ${JSON.stringify(tokenGraph)})`);
  }
  checkTimeout('commandTimeoutMs', options.commandTimeoutMs, problems);
  checkTimeout('connectTimeoutMs', options.connectTimeoutMs, problems);
  if (problems.length) throw new Error(`Invalid GraphModule options: ${problems.join('; ')}`);
}
