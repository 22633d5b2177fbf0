import { Injectable } from '@nestjs/common';
import { AuditEventAggregator } from '../audit/audit-event-aggregator';
import { loginFailure } from '../audit/auth-failures';
import { canonicalIpRange } from '../credentials/allowed-ips';
import { DomainError, ForbiddenError } from '../common/domain-errors';
import { FalkorDbUnreachableError, InvalidCredentialsError } from '../falkordb/falkordb-errors';
import { InvalidTokenError } from '../credentials/credential-errors';
import { ServerNotAllowedError } from './auth-errors';
import { findAllowedServer, sameHost, ServerAddress } from '../falkordb/server-address';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { LoginConnections } from '../falkordb/user-connections/login-connections';
import { UserCredentials } from '../falkordb/user-connections/user-connection.factory';
import { withDeadline } from '../common/deadline';
import { AttemptLimiter } from './attempt-limiter';
import { AuthSettings } from './auth-settings';
import { credentialRefOf, Principal } from '../domain/principal';
import { detectRole } from './role-detector';
import { Role } from '../domain/role';
import { CredentialReader } from '../credentials/credential-reader';

/** Said when the credential's stored password is refused by FalkorDB: only a new token helps. */
export const STORED_PASSWORD_REFUSED =
  'FalkorDB no longer accepts the password stored with this credential (it was changed, or the user removed): create a new token';
import { ServerIdentity } from './server-identity';
import { userIdOf } from './user-id';

/** The ACL probes are a few tiny commands: a server that takes longer than this is treated as unreachable. */
const ROLE_PROBE_TIMEOUT_MS = 5000;

export interface LoginRequest {
  username: string;
  password: string;
  host?: string;
  port?: number;
  tls?: boolean;
}

/** A FalkorDB ACL user whose password the server accepted. */
export interface VerifiedUser {
  userId: string;
  username: string;
  role: Role;
  /** The allow-list entry logged in to (its spelling of the host is the canonical one). */
  server: ServerAddress;
}

/**
 * Logging in = connecting to FalkorDB with the user's own credentials. Only allow-listed servers
 * are contacted; the role comes from the server's ACL.
 */
@Injectable()
export class FalkorDbLoginService {
  constructor(
    private readonly settings: AuthSettings,
    private readonly logins: LoginConnections,
    private readonly limiter: AttemptLimiter,
    private readonly credentials: CredentialReader,
    private readonly servers: ServerIdentity,
    private readonly repeatedEvents: AuditEventAggregator,
    private readonly store: FalkorDbConnection,
  ) {}

  /** Resolves host/port against the allow-list before any connection is opened (no SSRF). */
  resolveServer(host?: string, port?: number, tls?: boolean): ServerAddress {
    const fallback = this.settings.defaultServer;
    const wantedHost = host ?? fallback.host;
    const wantedPort = port ?? fallback.port;
    const allowed = findAllowedServer(this.settings.allowedServers, wantedHost, wantedPort);
    if (!allowed) throw new ServerNotAllowedError(wantedHost, wantedPort);
    return { ...allowed, tls: tls ?? allowed.tls };
  }

  /**
   * Where to connect for a credential's server, checked against the allow-list again in case it was
   * removed since login. The users' server's recorded name (an embedded server's first port, see
   * FalkorDbConnection.serverName) leads to where it listens now, never to whatever took its old port.
   */
  serverOf(owner: Pick<Principal, 'host' | 'port' | 'tls'>): ServerAddress {
    const name = this.store.serverName;
    const users = this.store.server;
    if ((name.port !== users.port || !sameHost(name.host, users.host)) && sameHost(owner.host, name.host) && owner.port === name.port) {
      return { host: users.host, port: users.port, tls: owner.tls };
    }
    if (!findAllowedServer(this.settings.allowedServers, owner.host, owner.port)) {
      throw new ForbiddenError(`FalkorDB server ${owner.host}:${owner.port} is no longer allowed by this service`);
    }
    return { host: owner.host, port: owner.port, tls: owner.tls };
  }

  /**
   * `clientAddress` (and `userAgent`) is where the attempt came from: failures are counted per
   * client and per username, and recorded as `auth.failed` audit events (one per username and minute).
   */
  async login(request: LoginRequest, clientAddress: string, userAgent: string | null = null): Promise<VerifiedUser> {
    this.limiter.assertLoginAllowed(clientAddress, request.username);
    const server = this.resolveServer(request.host, request.port, request.tls);
    let role: Role;
    try {
      role = await this.roleOf(server, { username: request.username, password: request.password });
    } catch (error) {
      if (error instanceof InvalidCredentialsError) {
        // Awaited (a round trip, on failures only): the next attempt, on any instance, sees it.
        await this.limiter.recordLoginFailure(clientAddress, request.username);
        const origin = { at: Date.now(), ip: canonicalIpRange(clientAddress) ?? null, userAgent };
        this.repeatedEvents.record(loginFailure(request.username, this.servers.canonical(server), origin));
      }
      throw error;
    }
    // Recorded under the server's canonical name: ownership and admin scope follow the server, not its spelling.
    const canonical = this.servers.canonical(server);
    return { userId: userIdOf(request.username, canonical.host, canonical.port), username: request.username, role, server: canonical };
  }

  /**
   * Signs in again as a credential's user with the password stored with it: the user as the ACL
   * sees them now, and the password. InvalidTokenError when FalkorDB no longer accepts it.
   */
  async reverify(principal: Principal): Promise<{ user: VerifiedUser; password: string }> {
    const server = this.serverOf(principal);
    const password = await this.credentials.passwordOf(credentialRefOf(principal));
    try {
      const role = await this.roleOf(server, { username: principal.username, password });
      return { user: { userId: principal.userId, username: principal.username, role, server }, password };
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new InvalidTokenError(STORED_PASSWORD_REFUSED);
      throw error;
    }
  }

  /**
   * Signs in as the user (InvalidCredentialsError if FalkorDB refuses the password) and reads the
   * user's current role from the server's ACL, on a login connection (LoginConnections: reused, each
   * use starting with the user's own AUTH).
   */
  async roleOf(server: ServerAddress, credentials: UserCredentials): Promise<Role> {
    return this.logins.asUser(server, credentials, async (connection) => {
      try {
        return await withDeadline(detectRole(connection, credentials.username), ROLE_PROBE_TIMEOUT_MS, () => {
          if (connection.isOpen) connection.destroy();
        });
      } catch (error) {
        if (error instanceof DomainError) throw error;
        // The connection broke (or the server stopped answering) between AUTH and the ACL probes.
        throw new FalkorDbUnreachableError(server.host, server.port);
      }
    });
  }
}
