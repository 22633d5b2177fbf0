import { MAX_TIMER_MS } from '../common/deadline';

export interface GraphApiModuleOptions {
  /** Most rows one query returns; beyond it the rest is dropped and `truncated` is true. Default 10000. */
  maxRows?: number;
  /** Time limit of a query whose request names none. Default 10000 ms. */
  defaultTimeoutMs?: number;
  /** Largest `timeoutMs` a request may ask for. Default 60000 ms. */
  maxTimeoutMs?: number;
  /**
   * How long past its time limit the service waits before it answers 504 (FalkorDB applies TIMEOUT
   * to reads only, and checks it late). The query keeps its connection until FalkorDB answers.
   * Default 2000 ms.
   */
  timeoutGraceMs?: number;
  /**
   * A connection whose command has had no answer this long after the client got its 504 is closed
   * (a frozen server): its slot is free again, though FalkorDB may still be running the command.
   * Default 300000 ms.
   */
  abandonConnectionAfterMs?: number;
  /** Requests of one credential waiting on or running on its connection; beyond it, 429. Default 64. */
  maxQueuedPerCredential?: number;
  /** Connections of one user running FalkorDB work at once; beyond it, 429. Default 2. */
  maxBusyConnectionsPerUser?: number;
  /**
   * Connections running Graph API work at once, for everyone; beyond it, 429. Keep it below
   * FalkorDB's THREAD_COUNT so authentication always finds a free thread. Default 16.
   */
  maxBusyConnections?: number;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_QUERY_TIMEOUT_MS = 60_000;
export const DEFAULT_TIMEOUT_GRACE_MS = 2_000;
export const DEFAULT_ABANDON_CONNECTION_AFTER_MS = 300_000;
export const DEFAULT_MAX_QUEUED_PER_CREDENTIAL = 64;
export const DEFAULT_MAX_BUSY_CONNECTIONS_PER_USER = 2;
export const DEFAULT_MAX_BUSY_CONNECTIONS = 16;

export type GraphApiLimits = Required<GraphApiModuleOptions>;

function limitsOf(options: GraphApiModuleOptions): GraphApiLimits {
  return {
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    maxTimeoutMs: options.maxTimeoutMs ?? Math.max(DEFAULT_MAX_QUERY_TIMEOUT_MS, options.defaultTimeoutMs ?? 0),
    timeoutGraceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS,
    abandonConnectionAfterMs: options.abandonConnectionAfterMs ?? DEFAULT_ABANDON_CONNECTION_AFTER_MS,
    maxQueuedPerCredential: options.maxQueuedPerCredential ?? DEFAULT_MAX_QUEUED_PER_CREDENTIAL,
    maxBusyConnectionsPerUser: options.maxBusyConnectionsPerUser ?? DEFAULT_MAX_BUSY_CONNECTIONS_PER_USER,
    maxBusyConnections: options.maxBusyConnections ?? DEFAULT_MAX_BUSY_CONNECTIONS,
  };
}

/** Every problem with the options, each starting with the option's name. */
export function graphApiOptionProblems(options: GraphApiModuleOptions): string[] {
  const limits = limitsOf(options);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0 || value > MAX_TIMER_MS) problems.push(`${name} must be a positive integer (at most ${MAX_TIMER_MS}), got ${String(value)}`);
  }
  if (limits.defaultTimeoutMs > limits.maxTimeoutMs) problems.push('defaultTimeoutMs must not exceed maxTimeoutMs');
  return problems;
}

/** The options with defaults filled in; throws one error naming every invalid option. */
export function graphApiLimitsOf(options: GraphApiModuleOptions): GraphApiLimits {
  const problems = graphApiOptionProblems(options);
  if (problems.length) throw new Error(`Invalid GraphApiModule options: ${problems.join('; ')}`);
  return limitsOf(options);
}
