import { ErrorReply } from '@redis/client';
import { ForbiddenError } from '../common/domain-errors';
import { UserConnection } from '../falkordb/user-connections/user-connection.factory';
import { Role } from '../domain/role';

/** The ACL leaves the user no graph command at all: no role of this service fits. */
export class NoGraphCommandsError extends ForbiddenError {
  constructor(username: string) {
    super(`FalkorDB user "${username}" may not run graph queries`);
  }
}

/** A key no one uses: the probes below fail before touching it, so nothing is ever created. */
const PROBE_KEY = '__falkordb_pat_role_probe__';

/**
 * Whether the connected user may run `command`. The probe sends the command without its query
 * argument: the server checks the ACL first (NOPERM), then FalkorDB rejects the arity, so no key is
 * read or created. A key-pattern NOPERM still means the command itself is allowed.
 */
async function mayRun(connection: UserConnection, command: string): Promise<boolean> {
  try {
    await connection.sendCommand([command, PROBE_KEY]);
    return true;
  } catch (error) {
    if (!(error instanceof ErrorReply)) throw error;
    return !/^NOPERM .*\bcommand\b/i.test(error.message);
  }
}

async function isAdmin(connection: UserConnection, username: string): Promise<boolean> {
  try {
    await connection.sendCommand(['ACL', 'GETUSER', username]);
    return true;
  } catch (error) {
    if (!(error instanceof ErrorReply)) throw error;
    return false;
  }
}

/**
 * Reads the user's role from the server's ACL, as the contract defines it. The three probes go out
 * together (pipelined on the one connection): one round trip instead of up to three.
 */
export async function detectRole(connection: UserConnection, username: string): Promise<Role> {
  const [admin, mayWrite, mayRead] = await Promise.all([
    isAdmin(connection, username),
    mayRun(connection, 'GRAPH.QUERY'),
    mayRun(connection, 'GRAPH.RO_QUERY'),
  ]);
  if (admin) return 'Admin';
  if (mayWrite) return 'Read-Write';
  if (mayRead) return 'Read-Only';
  throw new NoGraphCommandsError(username);
}
