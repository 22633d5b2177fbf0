import { Injectable } from '@nestjs/common';
import { FalkorDbLoginService, STORED_PASSWORD_REFUSED } from '../auth/falkordb-login.service';
import { credentialRefOf, Principal } from '../domain/principal';
import { CredentialReader } from '../credentials/credential-reader';
import { FalkorDbUnreachableError, InvalidCredentialsError } from '../falkordb/falkordb-errors';
import { InvalidTokenError } from '../credentials/credential-errors';
import { ServerAddress } from '../falkordb/server-address';
import { UserConnection, UserConnectionFactory } from '../falkordb/user-connections/user-connection.factory';
import { OpenedUserConnection, PooledConnectionClosedError, UserConnectionPool } from '../falkordb/user-connections/user-connection-pool';

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
    private readonly credentials: CredentialReader,
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
    // Revoked or deleted between authentication and now: InvalidTokenError from either.
    const credential = credentialRefOf(principal);
    const [password, validUntil] = await Promise.all([this.credentials.passwordOf(credential), this.credentials.validUntil(credential)]);
    try {
      const connection = await this.factory.open(server, { username: principal.username, password });
      return { connection, validUntil };
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new InvalidTokenError(STORED_PASSWORD_REFUSED);
      throw error;
    }
  }
}
