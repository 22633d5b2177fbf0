import { createClient } from '@redis/client';

export interface ServerLogin {
  username?: string;
  password?: string;
}

/**
 * Runs one command on the server at 127.0.0.1:`port` or unix socket `port` (as the default user unless `login` says
 * otherwise), on a connection of its own; `timeoutMs` bounds connecting and the reply.
 */
export async function sendToServer(port: number | string, args: string[], login: ServerLogin = {}, timeoutMs?: number): Promise<unknown> {
  // A string is a unix socket's path.
  const endpoint = typeof port === 'string' ? { path: port } : { host: '127.0.0.1', port };
  const client = createClient({
    socket: { ...endpoint, reconnectStrategy: false, ...(timeoutMs ? { connectTimeout: timeoutMs, socketTimeout: timeoutMs } : {}) },
    username: login.username,
    password: login.password,
    disableClientInfo: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}
