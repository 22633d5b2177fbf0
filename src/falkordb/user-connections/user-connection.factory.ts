import { Injectable, Optional } from '@nestjs/common';
import { createClient, ErrorReply, RedisClientType } from '@redis/client';
import { withDeadline } from '../../common/deadline';
import { FalkorDbUnreachableError, InvalidCredentialsError } from '../falkordb-errors';
import { FalkorDbConnection } from '../falkordb-connection';
import { ServerAddress } from '../server-address';

// Exactly what createClient() returns with no modules, functions or scripts (RESP2).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type UserConnection = RedisClientType<{}, {}, {}, 2>;

export interface UserCredentials {
  username: string;
  password: string;
}

const CONNECT_TIMEOUT_MS = 3000;

/**
 * Opens connections to FalkorDB as a given ACL user. A rejected AUTH becomes the same
 * InvalidCredentialsError whether the user is unknown or the password wrong. Connections never
 * reconnect or queue: a user connection that breaks is simply opened again.
 */
@Injectable()
export class UserConnectionFactory {
  /** Resolves the Sentinel-managed server's name to its current primary (FalkorDbConnection.resolve). */
  constructor(@Optional() private readonly store?: FalkorDbConnection) {}

  /** Without `credentials` the connection signs in as no one: its first command should be an AUTH (LoginConnections). */
  async open(named: ServerAddress, credentials?: UserCredentials): Promise<UserConnection> {
    const server = this.store?.resolve(named) ?? named;
    const client: UserConnection = createClient({
      socket: server.tls
        ? { host: server.host, port: server.port, tls: true, connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false }
        : { host: server.host, port: server.port, connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: false },
      ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
      disableOfflineQueue: true,
      // No CLIENT SETINFO round trip on every login and user connection.
      disableClientInfo: true,
    });
    // Errors surface through the awaited calls; an unhandled 'error' event would crash the process.
    client.on('error', () => undefined);
    try {
      // The socket's connectTimeout covers only TCP: a server that accepts but never answers
      // (frozen, overloaded) would hold the AUTH handshake forever without this deadline.
      await withDeadline(client.connect(), CONNECT_TIMEOUT_MS, () => {
        if (client.isOpen) client.destroy();
      });
      return client;
    } catch (error) {
      if (client.isOpen) client.destroy();
      if (isRefusedLogin(error)) throw new InvalidCredentialsError();
      throw new FalkorDbUnreachableError(server.host, server.port, server.tls);
    }
  }
}

/** FalkorDB's answer to an AUTH with an unknown user or a wrong password. */
export function isRefusedLogin(error: unknown): boolean {
  return error instanceof ErrorReply && /^(WRONGPASS|NOAUTH|ERR invalid password)/i.test(error.message);
}
