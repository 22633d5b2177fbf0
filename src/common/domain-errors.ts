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

