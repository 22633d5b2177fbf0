import { createClient } from '@redis/client';

/** Runs one command on the FalkorDB server at 127.0.0.1:`port` as the default user, on a connection of its own. */
export async function sendToServer(port: number, args: string[]): Promise<unknown> {
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}
