import { DomainError } from '../common/domain-errors';

/** A credential was presented but is malformed, forged, expired or revoked. */
export class InvalidTokenError extends DomainError {
  constructor(message = 'The access token is invalid, expired or revoked') {
    super('INVALID_TOKEN', message);
  }
}
