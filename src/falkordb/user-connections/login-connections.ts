import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { withDeadline } from '../../common/deadline';
import { FalkorDbUnreachableError, InvalidCredentialsError } from '../falkordb-errors';
import { FalkorDbConnection } from '../falkordb-connection';
import { ServerAddress } from '../server-address';
import { isRefusedLogin, UserConnection, UserConnectionFactory, UserCredentials } from './user-connection.factory';

/** Idle connections kept per server, and how long one may idle before it is closed. */
const MAX_IDLE_PER_SERVER = 8;
const IDLE_CLOSE_MS = 30_000;
const AUTH_TIMEOUT_MS = 3000;

interface IdleConnection {
  connection: UserConnection;
  timer: NodeJS.Timeout;
}

function keyOf(server: ServerAddress): string {
  return `${server.host.toLowerCase()}:${server.port}:${server.tls ? 'tls' : 'plain'}`;
}

/**
 * Connections for logins (credential checks and role probes), reused from one login to the next:
 * each use begins with its own AUTH as the user logging in, and nothing runs on the connection
 * unless that AUTH succeeded. A login then costs one AUTH round trip instead of a new TCP
 * connection and its teardown. A refused AUTH leaves the connection as it was (signed in as an
 * earlier user, never used until the next successful AUTH). Closed when idle, and all at once
 * when the primary moves (Sentinel).
 */
@Injectable()
export class LoginConnections implements OnApplicationShutdown {
  private readonly idle = new Map<string, IdleConnection[]>();

  constructor(
    private readonly factory: UserConnectionFactory,
    @Optional() store?: FalkorDbConnection,
  ) {
    store?.onPrimaryChange(() => this.closeAll());
  }

  /** Runs `work` signed in as `credentials` (InvalidCredentialsError when FalkorDB refuses them). */
  async asUser<T>(server: ServerAddress, credentials: UserCredentials, work: (connection: UserConnection) => Promise<T>): Promise<T> {
    const key = keyOf(server);
    const connection = this.takeIdle(key) ?? (await this.factory.open(server));
    try {
      try {
        await withDeadline(connection.sendCommand(['AUTH', credentials.username, credentials.password]), AUTH_TIMEOUT_MS);
      } catch (error) {
        if (isRefusedLogin(error)) throw new InvalidCredentialsError();
        if (connection.isOpen) connection.destroy();
        throw new FalkorDbUnreachableError(server.host, server.port, server.tls);
      }
      return await work(connection);
    } finally {
      // A connection that broke, or that `work` gave up on (destroyed), is not reused.
      if (connection.isOpen) this.putIdle(key, connection);
    }
  }

  onApplicationShutdown(): void {
    this.closeAll();
  }

  closeAll(): void {
    for (const connections of this.idle.values()) {
      for (const { connection, timer } of connections) {
        clearTimeout(timer);
        if (connection.isOpen) connection.destroy();
      }
    }
    this.idle.clear();
  }

  private takeIdle(key: string): UserConnection | undefined {
    const connections = this.idle.get(key);
    for (let next = connections?.pop(); next; next = connections?.pop()) {
      clearTimeout(next.timer);
      if (next.connection.isOpen) return next.connection;
    }
    return undefined;
  }

  private putIdle(key: string, connection: UserConnection): void {
    const connections = this.idle.get(key) ?? [];
    if (connections.length >= MAX_IDLE_PER_SERVER) {
      connection.destroy();
      return;
    }
    const entry: IdleConnection = {
      connection,
      timer: setTimeout(() => {
        const index = connections.indexOf(entry);
        if (index >= 0) connections.splice(index, 1);
        if (connection.isOpen) connection.destroy();
      }, IDLE_CLOSE_MS).unref(),
    };
    connections.push(entry);
    this.idle.set(key, connections);
  }
}
