import { RESP_TYPES } from '@redis/client';

/** The commands this needs of a connection: node-redis' `sendCommand`. */
export interface CommandConnection {
  sendCommand(args: Array<string | Buffer>, options?: { typeMapping?: Record<number, unknown> }): Promise<unknown>;
}

/** FalkorDB's type name for a graph key (TYPE). */
const GRAPH_TYPE = 'graphdata';

/**
 * Moves the token store graph a version before isolation kept on the users' embedded server to the
 * store's own server, once: only while the store has no such graph and the users' server has one.
 * DUMP/RESTORE carries the graph as it is, indexes included; the users' copy is deleted only once
 * the store holds it. Nothing in it is trusted for having moved: each record still needs its MAC.
 * Answers the bytes moved, or 0 when there was nothing to move.
 */
export async function moveEarlierStoreGraph(users: CommandConnection, store: CommandConnection, graph: string): Promise<number> {
  if (Number(await store.sendCommand(['EXISTS', graph])) === 1) return 0;
  if ((await users.sendCommand(['TYPE', graph])) !== GRAPH_TYPE) return 0;
  const payload = await users.sendCommand(['DUMP', graph], { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } });
  if (!Buffer.isBuffer(payload)) return 0;
  await store.sendCommand(['RESTORE', graph, '0', payload]);
  if ((await store.sendCommand(['TYPE', graph])) !== GRAPH_TYPE) throw new Error('the store did not take the graph');
  // Left on the users' server, its hashes and sealed passwords would stay readable by its users.
  await users.sendCommand(['DEL', graph]);
  return payload.length;
}
