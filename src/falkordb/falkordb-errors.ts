import { DomainError } from '../common/domain-errors';

/* Errors of reaching FalkorDB: the token store down or a write not replicated, a user's server unreachable or their password refused. */

/** Same error for an unknown user and a wrong password: no user enumeration. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('INVALID_CREDENTIALS', 'Invalid username or password');
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
