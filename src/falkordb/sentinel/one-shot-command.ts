import { createClient } from '@redis/client';
import { withDeadline } from '../../common/deadline';
import { Credentials, HostAndPort } from './sentinel-options';

/**
 * Runs one command on a connection of its own and closes it: questions to sentinels and ROLE checks
 * are rare (on start, on a change, on a periodic check), and a fresh connection can never be stuck
 * on a server that has since been replaced. Connecting and the reply together get `timeoutMs`.
 */
export async function sendOnce(address: HostAndPort, args: string[], credentials: Credentials | undefined, timeoutMs: number): Promise<unknown> {
  const client = createClient({
    // The socket's own timeouts close it even if it connects after the deadline gave up on it.
    socket: { host: address.host, port: address.port, connectTimeout: timeoutMs, socketTimeout: timeoutMs, reconnectStrategy: false },
    username: credentials?.username,
    password: credentials?.password,
    // One round trip less (a sentinel need not know the library).
    disableClientInfo: true,
  });
  // Failures reach the caller through the rejected promise; the event would be unhandled otherwise.
  client.on('error', () => undefined);
  const abandon = () => {
    if (client.isOpen) client.destroy();
  };
  try {
    return await withDeadline(
      client.connect().then(() => client.sendCommand(args)),
      timeoutMs,
      abandon,
    );
  } finally {
    abandon();
  }
}
