import type { FalkorDB } from 'falkordb';

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
