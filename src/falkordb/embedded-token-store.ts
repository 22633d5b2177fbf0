import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { FalkorDB } from 'falkordb';
import { ConnectTarget } from './connect-client';
import { EmbeddedFalkorDb } from './embedded-falkordb';
import { EmbeddedTokenStoreOptions } from './falkordb.options';
import { moveEarlierStoreGraph } from './embedded/earlier-store-graph';
import { formatBytes } from './embedded/readiness';
import { errorMessage } from '../common/error-message';


/** One line when an outage of an embedded server starts, one when it ends (it restarts itself). */
export function logOutagesOf(server: EmbeddedFalkorDb, name: string, logger: Logger): void {
  server.onStateChange((change) => {
    if (change.state === 'down') {
      logger.warn(`${name} (pid ${change.pid}) stopped unexpectedly: ${change.reason}; restarting it (see ${server.logFile})`);
    } else {
      logger.log(`${name} is back (pid ${change.pid}) after ${Math.round(change.downForMs / 100) / 10} s`);
    }
  });
}

/** The token store's own embedded server, and how to connect to it. */
export interface EmbeddedTokenStore {
  server: EmbeddedFalkorDb;
  socket: string;
  target: ConnectTarget;
}

/**
 * Starts the token store on an embedded server of its own: a unix socket in a private folder and
 * a password generated now and known to this process alone, so no FalkorDB user and no other local
 * account reaches the store, and nobody can log in to its server.
 */
export async function startEmbeddedTokenStore(options: EmbeddedTokenStoreOptions, logger: Logger): Promise<EmbeddedTokenStore> {
  const password = randomBytes(32).toString('base64url');
  let server: EmbeddedFalkorDb;
  try {
    server = await EmbeddedFalkorDb.start({ ...options, port: 0, unixSocket: true, password }, logger);
  } catch (error) {
    // Said apart from the users' server, whose start can fail the same way.
    throw new Error(`The token store's own embedded FalkorDB did not start: ${errorMessage(error)}`);
  }
  logOutagesOf(server, 'Embedded token store FalkorDB', logger);
  const socket = server.socketPath as string;
  return { server, socket, target: { socket: { path: socket }, password } };
}

/**
 * A store kept on the users' embedded server by a version before isolation is moved to the
 * store's own server at the first start, so its tokens keep working (and its hashes and sealed
 * passwords leave the users' reach). Failing to move it is logged, never fatal: those tokens
 * simply do not authenticate until it is moved.
 */
export async function moveEarlierStore(connectUsers: () => Promise<FalkorDB>, usersPort: number, store: FalkorDB, graph: string, logger: Logger): Promise<void> {
  let users: FalkorDB | undefined;
  try {
    users = await connectUsers();
    const moved = await moveEarlierStoreGraph(await users.connection, await store.connection, graph);
    if (moved) logger.log(`Moved the token store graph "${graph}" (${formatBytes(moved)}) from the users' embedded FalkorDB (127.0.0.1:${usersPort}) to its own`);
  } catch (error) {
    logger.warn(
      `A token store graph "${graph}" on the users' embedded FalkorDB (127.0.0.1:${usersPort}) could not be moved to the store's own server ` +
        `(${errorMessage(error)}): the tokens in it do not authenticate until it is`,
    );
  } finally {
    await users?.close().catch(() => undefined);
  }
}
