import { HttpException } from '@nestjs/common';
import { PROBLEM_TYPE_BASE, ProblemDetails } from './problem-details';

/**
 * Domain exceptions thrown by services and guards. Each is an HttpException whose response is
 * its RFC 9457 problem details body, so any host renders the right status and body with or
 * without our ProblemDetailsFilter (which only adds the media type and headers). The `code` is
 * the stable, machine-readable reason.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'SERVER_NOT_ALLOWED'
  | 'INVALID_CREDENTIALS'
  | 'AUTHENTICATION_REQUIRED'
  | 'INVALID_TOKEN'
  | 'FORBIDDEN'
  | 'TOKEN_IP_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'GRAPH_NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_ATTEMPTS'
  | 'TOO_MANY_QUERIES'
  | 'QUERY_REJECTED'
  | 'QUERY_TIMEOUT'
  | 'STORE_UNAVAILABLE'
  | 'WRITE_NOT_REPLICATED'
  | 'FALKORDB_UNREACHABLE';

/** The one mapping from a domain error code to its HTTP status. */
export const STATUS_BY_CODE: Readonly<Record<DomainErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  SERVER_NOT_ALLOWED: 400,
  QUERY_REJECTED: 400,
  INVALID_CREDENTIALS: 401,
  AUTHENTICATION_REQUIRED: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  TOKEN_IP_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  GRAPH_NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_QUERIES: 429,
  STORE_UNAVAILABLE: 503,
  WRITE_NOT_REPLICATED: 503,
  FALKORDB_UNREACHABLE: 503,
  QUERY_TIMEOUT: 504,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const REALM = 'Bearer realm="falkordb"';

/** Seconds a client should wait before retrying while FalkorDB is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export class DomainError extends HttpException {
  readonly code: DomainErrorCode;
  /** Per-field messages, for validation failures. */
  readonly fields?: Record<string, string[]>;

  constructor(code: DomainErrorCode, message: string, fields?: Record<string, string[]>) {
    const status = STATUS_BY_CODE[code];
    const problem: ProblemDetails = {
      type: PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-'),
      title: TITLES[status],
      status,
      detail: message,
      message,
      code,
      ...(fields ? { errors: fields } : {}),
    };
    super(problem, status);
    this.code = code;
    this.fields = fields;
    this.name = new.target.name;
  }

  /** The RFC 9457 body. */
  get problem(): ProblemDetails {
    return this.getResponse() as ProblemDetails;
  }

  /**
   * Response headers that belong to this error: the RFC 6750 challenge on 401
   * (`error="invalid_token"` only when a token was sent and refused) and Retry-After on 503.
   */
  get headers(): Record<string, string> {
    if (this.code === 'INVALID_TOKEN') {
      return { 'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${this.message.replace(/["\\]/g, '')}"` };
    }
    if (this.getStatus() === 401) return { 'WWW-Authenticate': REALM };
    if (this.getStatus() === 503) return { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) };
    return {};
  }
}

export class ValidationFailedError extends DomainError {
  constructor(fields: Record<string, string[]>) {
    const summary = Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
      .join(' | ');
    super('VALIDATION_FAILED', `Invalid request: ${summary}`, fields);
  }

  static forField(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError({ [field]: [message] });
  }
}

/** The host/port a client named is not on the allow-list (checked before any connection). */
export class ServerNotAllowedError extends DomainError {
  constructor(host: string, port: number) {
    super('SERVER_NOT_ALLOWED', `host: FalkorDB server ${host}:${port} is not allowed by this service`, {
      host: [`${host}:${port} is not an allowed FalkorDB server`],
    });
  }
}

/** Same error for an unknown user and a wrong password: no user enumeration. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', 'Invalid username or password');
  }
}

export class AuthenticationRequiredError extends DomainError {
  constructor(message = 'Authentication required: send a Bearer token or a session cookie') {
    super('AUTHENTICATION_REQUIRED', message);
  }
}

/** A credential was presented but is malformed, forged, expired or revoked. */
export class InvalidTokenError extends DomainError {
  constructor(message = 'The access token is invalid, expired or revoked') {
    super('INVALID_TOKEN', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** The credential may be used only from certain addresses, and this request came from elsewhere. */
export class TokenIpNotAllowedError extends DomainError {
  constructor(address: string) {
    super('TOKEN_IP_NOT_ALLOWED', `This token may not be used from ${address}: it is limited to its allowed IP addresses`);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** The service's own FalkorDB store cannot be reached: fail closed. */
export class StoreUnavailableError extends DomainError {
  constructor(message = 'The token store (FalkorDB) is unavailable; try again shortly') {
    super('STORE_UNAVAILABLE', message);
  }
}

/**
 * A credential write reached the primary, but not enough replicas confirmed it in time: it would be
 * lost if the primary failed now. Whether it lasts is truly unknown, so the client is told so.
 */
export class WriteNotReplicatedError extends DomainError {
  constructor(required: number, confirmed: number, timeoutMs: number) {
    super(
      'WRITE_NOT_REPLICATED',
      `The change was made on the FalkorDB primary, but ${confirmed} of the ${required} replica(s) required confirmed it within ${timeoutMs} ms. ` +
        'Its outcome is unknown (a failover now would undo it): retry the request, or check the result before relying on it.',
    );
  }
}

/** A FalkorDB server a user named (for login or queries) cannot be reached. */
export class FalkorDbUnreachableError extends DomainError {
  /** `overTls`: the connection was attempted with TLS, a common reason for failing against a plain server. */
  constructor(host: string, port: number, overTls = false) {
    super(
      'FALKORDB_UNREACHABLE',
      `FalkorDB server ${host}:${port} cannot be reached${overTls ? ' over TLS (is TLS enabled on that server? send "tls": false if not)' : ''}`,
    );
  }
}

/** Too many failed attempts from one client or on one username; retry after the given time. */
export class TooManyAttemptsError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_ATTEMPTS', `Too many failed attempts; try again in ${retryAfterSeconds} seconds`);
  }

  override get headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

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
