import { Injectable } from '@nestjs/common';
import { FalkorDbLoginService } from '../auth/falkordb-login.service';
import { Principal } from '../auth/principal';
import { SessionRepository } from '../auth/store/session.repository';
import { TokenRepository } from '../auth/store/token.repository';
import { STORED_PASSWORD_REFUSED, StoredPasswords } from '../auth/stored-passwords';
import {
  FalkorDbUnreachableError,
  InvalidCredentialsError,
  InvalidTokenError,
} from '../common/domain-errors';
import { ServerAddress } from '../graph/server-address';
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
  constructor(
    private readonly pool: UserConnectionPool,
    private readonly factory: UserConnectionFactory,
    private readonly login: FalkorDbLoginService,
    private readonly passwords: StoredPasswords,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionRepository,
  ) {}

  /** The caller's server; checked against the allow-list again, in case it was removed since login. */
  serverOf(principal: Principal): ServerAddress {
    return this.login.serverOf(principal);
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
      if (error instanceof InvalidCredentialsError) throw new InvalidTokenError(STORED_PASSWORD_REFUSED);
      throw error;
    }
  }

  private async storedCredential(principal: Principal): Promise<StoredCredential> {
    const id = principal.credentialId;
    const [password, validUntil] = await Promise.all([
      this.passwords.of(principal),
      principal.kind === 'pat'
        ? this.tokens.findById(id).then((record) => (record && !record.revoked ? record.expiresAt : undefined))
        : this.sessions.findForAuthentication(id).then((record) => (record && !record.revoked ? record.expiresAt : undefined)),
    ]);
    // Revoked or deleted between authentication and now.
    if (validUntil === undefined) throw new InvalidTokenError();
    return { password, validUntil };
  }
}
