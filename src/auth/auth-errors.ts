import { DomainError } from '../common/domain-errors';

/* Errors of authentication: no credential, a server off the allow-list, a token used from elsewhere, too many failures. */

/** The host/port a client named is not on the allow-list (checked before any connection). */
export class ServerNotAllowedError extends DomainError {
  constructor(host: string, port: number) {
    super('SERVER_NOT_ALLOWED', `host: FalkorDB server ${host}:${port} is not allowed by this service`, {
      host: [`${host}:${port} is not an allowed FalkorDB server`],
    });
  }
}

export class AuthenticationRequiredError extends DomainError {
  constructor(message = 'Authentication required: send a Bearer token or a session cookie') {
    super('AUTHENTICATION_REQUIRED', message);
  }
}

/** The credential may be used only from certain addresses, and this request came from elsewhere. */
export class TokenIpNotAllowedError extends DomainError {
  constructor(address: string) {
    super('TOKEN_IP_NOT_ALLOWED', `This token may not be used from ${address}: it is limited to its allowed IP addresses`);
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
