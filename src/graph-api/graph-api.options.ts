import { MAX_TIMER_MS } from '../common/deadline';

export interface GraphApiModuleOptions {
  /** Most rows one query returns; beyond it the rest is dropped and `truncated` is true. Default 10000. */
  maxRows?: number;
  /** Time limit of a query whose request names none. Default 10000 ms. */
  defaultTimeoutMs?: number;
  /** Largest `timeoutMs` a request may ask for. Default 60000 ms. */
  maxTimeoutMs?: number;
  /**
   * How long past its time limit the service still waits for a reply before it gives up on the
   * connection (FalkorDB applies TIMEOUT to reads only, and not inside every operation). Default 2000 ms.
   */
  timeoutGraceMs?: number;
}

export const DEFAULT_MAX_ROWS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_QUERY_TIMEOUT_MS = 60_000;
export const DEFAULT_TIMEOUT_GRACE_MS = 2_000;

export type GraphApiLimits = Required<GraphApiModuleOptions>;

function limitsOf(options: GraphApiModuleOptions): GraphApiLimits {
  return {
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    maxTimeoutMs: options.maxTimeoutMs ?? Math.max(DEFAULT_MAX_QUERY_TIMEOUT_MS, options.defaultTimeoutMs ?? 0),
    timeoutGraceMs: options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS,
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
