import { DomainError } from '../common/domain-errors';

/* Errors of the Graph API: a query FalkorDB refused, ran too long, or found no graph; too much work in flight. */

/** FalkorDB refused a query as invalid (syntax, missing parameter, runtime error): its message is passed on. */
export class QueryRejectedError extends DomainError {
  constructor(message: string) {
    super('QUERY_REJECTED', message);
  }
}

/**
 * A query ran past its time limit (FalkorDB's TIMEOUT, or the service's own deadline after it).
 * FalkorDB does not stop a write at its time limit: a write may still commit after this answer.
 */
export class QueryTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    super(
      'QUERY_TIMEOUT',
      `The query did not finish within its ${timeoutMs} ms time limit. A write query may still complete and commit: check before retrying it`,
    );
  }
}

/**
 * Who is over a Graph API concurrency limit: this credential, this user, or the whole service; or
 * this credential's connection is held by a query past its time limit (`overdue`).
 */
export type QueryLimitScope = 'credential' | 'user' | 'service' | 'overdue';

const QUERY_LIMIT_DETAIL: Readonly<Record<QueryLimitScope, string>> = {
  credential: 'This credential already has the most queries waiting that it may have',
  user: "This user's credentials already run the most queries at once that one user may run",
  service: 'The service already runs the most Graph API queries at once that FalkorDB can take',
  overdue: "This credential's connection is still held by a query past its time limit",
};

/** Too much Graph API work in flight for the caller (or for everyone): retry shortly. */
export class TooManyQueriesError extends DomainError {
  constructor(
    readonly scope: QueryLimitScope,
    readonly retryAfterSeconds = 1,
  ) {
    super('TOO_MANY_QUERIES', `${QUERY_LIMIT_DETAIL[scope]}; retry in ${retryAfterSeconds} s (a query that timed out counts until FalkorDB finishes it)`);
  }

  override get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** The named graph does not exist on the caller's FalkorDB server. */
export class GraphNotFoundError extends DomainError {
  constructor(graph: string) {
    super('GRAPH_NOT_FOUND', `Graph "${graph}" does not exist`);
  }
}
