/**
 * Domain exceptions thrown by services. They carry no HTTP types: the single
 * ProblemDetailsFilter maps each `code` to a status and an RFC 9457 body.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'SERVER_NOT_ALLOWED'
  | 'INVALID_CREDENTIALS'
  | 'AUTHENTICATION_REQUIRED'
  | 'INVALID_TOKEN'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'GRAPH_NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_ATTEMPTS'
  | 'QUERY_REJECTED'
  | 'QUERY_TIMEOUT'
  | 'STORE_UNAVAILABLE'
  | 'FALKORDB_UNREACHABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Per-field messages, for validation failures. */
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
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
}

/** FalkorDB refused a query as invalid (syntax, missing parameter, runtime error): its message is passed on. */
export class QueryRejectedError extends DomainError {
  constructor(message: string) {
    super('QUERY_REJECTED', message);
  }
}

/** A query ran past its time limit (FalkorDB's TIMEOUT, or the service's own deadline after it). */
export class QueryTimeoutError extends DomainError {
  constructor(timeoutMs: number) {
    super('QUERY_TIMEOUT', `The query did not finish within its ${timeoutMs} ms time limit`);
  }
}

/** The named graph does not exist on the caller's FalkorDB server. */
export class GraphNotFoundError extends DomainError {
  constructor(graph: string) {
    super('GRAPH_NOT_FOUND', `Graph "${graph}" does not exist`);
  }
}
