import { FalkorDB, FalkorDBOptions } from 'falkordb';
import { withDeadline } from '../common/deadline';
import { errorMessage } from '../common/error-message';

/** Where a client connects: a URL, a TCP address or a unix socket, and the login. */
export type ConnectTarget = Pick<FalkorDBOptions, 'url'> & { socket?: { host: string; port: number } | { path: string }; username?: string; password?: string };

/** Reconnect quickly at first, then every 2 s, forever: the service heals when FalkorDB returns. */
export const reconnectDelay = (retries: number): number => Math.min(50 * 2 ** retries, 2000);

export interface ConnectSettings {
  /** How long to wait for the first connection. */
  connectTimeoutMs: number;
  /** Every error the connected client reports later (each failed reconnect of an outage). */
  onError: (message: string) => void;
  /** Names the target in the error when the first connection fails. */
  where: string;
}

/**
 * A connected FalkorDB client that never queues commands while disconnected (they fail at once,
 * so authentication fails closed) and reconnects by itself. A connection that arrives after the
 * timeout is closed, never leaked.
 */
export async function connectClient(target: ConnectTarget, settings: ConnectSettings): Promise<FalkorDB> {
  const options = {
    ...target,
    socket: { ...target.socket, connectTimeout: 2000, reconnectStrategy: reconnectDelay },
    disableOfflineQueue: true,
  } as unknown as FalkorDBOptions;
  const pending = FalkorDB.connect(options);
  try {
    const client = await withDeadline(pending, settings.connectTimeoutMs);
    client.on('error', (error: Error) => settings.onError(`connection: ${error.message}`));
    return client;
  } catch (error) {
    void pending.then((late) => late.close()).catch(() => undefined);
    throw new Error(`Cannot connect to FalkorDB at ${settings.where}: ${errorMessage(error)}`);
  }
}
