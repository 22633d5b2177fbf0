import { Injectable, Logger } from '@nestjs/common';
import { AuthSettings } from '../auth/auth-settings';
import { DecryptionFailedError } from '../auth/crypto/password-cipher';
import { Principal } from '../auth/principal';
import { SessionRepository } from '../auth/store/session.repository';
import { TokenRepository } from '../auth/store/token.repository';
import {
  FalkorDbUnreachableError,
  ForbiddenError,
  InvalidCredentialsError,
  InvalidTokenError,
} from '../common/domain-errors';
import { findAllowedServer, ServerAddress } from '../graph/server-address';
import { UserConnection, UserConnectionFactory } from '../graph/user-connection.factory';
import { OpenedUserConnection, PooledConnectionClosedError, UserConnectionPool } from '../graph/user-connection-pool';

interface StoredCredential {
  password: string;
  /** Epoch ms when the token or session expires; null = never. */
  validUntil: number | null;
}

/**
 * Runs work as the caller's own FalkorDB ACL user, on the pooled connection of the caller's
 * credential (token or session). On a pool miss the password stored with that credential is
 * decrypted and a connection is opened with it; the password is never kept anywhere else.
 */
@Injectable()
export class CallerConnections {
  private readonly logger = new Logger('GraphApi');

  constructor(
    private readonly pool: UserConnectionPool,
    private readonly factory: UserConnectionFactory,
    private readonly settings: AuthSettings,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
  ) {}

  /** The caller's server; checked against the allow-list again, in case it was removed since login. */
  serverOf(principal: Principal): ServerAddress {
    if (!findAllowedServer(this.settings.allowedServers, principal.host, principal.port)) {
      throw new ForbiddenError(`FalkorDB server ${principal.host}:${principal.port} is no longer allowed by this service`);
    }
    return { host: principal.host, port: principal.port, tls: principal.tls };
  }

  async run<T>(principal: Principal, work: (connection: UserConnection) => Promise<T>): Promise<T> {
    const server = this.serverOf(principal);
    try {
      return await this.pool.use(principal.credentialId, () => this.open(principal, server), work);
    } catch (error) {
      // Closed under us (revoked, expired or pushed out while opening): worth a retry, not a 500.
      if (error instanceof PooledConnectionClosedError) throw new FalkorDbUnreachableError(server.host, server.port);
      throw error;
    }
  }

  private async open(principal: Principal, server: ServerAddress): Promise<OpenedUserConnection> {
    const { password, validUntil } = await this.storedCredential(principal);
    try {
      const connection = await this.factory.open(server, { username: principal.username, password });
      return { connection, validUntil };
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        throw new InvalidTokenError(
          'FalkorDB no longer accepts the password stored with this credential (it was changed, or the user removed): create a new token',
        );
      }
      throw error;
    }
  }

  private async storedCredential(principal: Principal): Promise<StoredCredential> {
    const id = principal.credentialId;
    const [sealed, validUntil] =
      principal.kind === 'pat'
        ? await Promise.all([
            this.tokens.findPasswordCiphertext(id),
            this.tokens.findById(id).then((record) => (record && !record.revoked ? record.expiresAt : undefined)),
          ])
        : await Promise.all([
            this.sessions.findPasswordCiphertext(id),
            this.sessions.findForAuthentication(id).then((record) => (record && !record.revoked ? record.expiresAt : undefined)),
          ]);
    // Revoked or deleted between authentication and now.
    if (sealed === undefined || validUntil === undefined) throw new InvalidTokenError();
    try {
      return { password: this.settings.cipher.decrypt(sealed, id), validUntil };
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      this.logger.warn(`Stored password of credential ${id} cannot be decrypted (was ENCRYPTION_KEY changed?)`);
      throw new InvalidTokenError('The password stored with this credential can no longer be decrypted: create a new token');
    }
  }
}
