import { Injectable, Logger } from '@nestjs/common';
import { InvalidTokenError } from '../common/domain-errors';
import { AuthSettings } from './auth-settings';
import { DecryptionFailedError } from './crypto/password-cipher';
import { Principal } from './principal';
import { SessionRepository } from './store/session.repository';
import { TokenRepository } from './store/token.repository';

/** Said when the credential's stored password is refused by FalkorDB: only a new token helps. */
export const STORED_PASSWORD_REFUSED =
  'FalkorDB no longer accepts the password stored with this credential (it was changed, or the user removed): create a new token';

/**
 * The FalkorDB password sealed (AES-256-GCM, bound to the credential id) into a token or session
 * record, decrypted only at the moment it is needed to connect as the user.
 */
@Injectable()
export class StoredPasswords {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly settings: AuthSettings,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
  ) {}

  /** InvalidTokenError when the record is gone or its password cannot be decrypted. */
  async of(credential: Pick<Principal, 'kind' | 'credentialId'>): Promise<string> {
    const id = credential.credentialId;
    const sealed =
      credential.kind === 'pat' ? await this.tokens.findPasswordCiphertext(id) : await this.sessions.findPasswordCiphertext(id);
    if (sealed === undefined) throw new InvalidTokenError();
    try {
      return this.settings.cipher.decrypt(sealed, id);
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      this.logger.warn(`Stored password of credential ${id} cannot be decrypted (was ENCRYPTION_KEY changed?)`);
      throw new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token');
    }
  }
}
