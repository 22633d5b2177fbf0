import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServerAddress } from '../server-address';

const FILE = 'server-name.json';

/**
 * The name the embedded users' server keeps whatever port it listens on: `localhost` and the port
 * it had when it first ran (remembered in its own data folder, out of every FalkorDB user's reach).
 * Tokens and sessions record it, so moving FALKORDB_EMBEDDED_PORT (to free 6379 for another
 * FalkorDB, say) leaves them owned by the same server; connections go to wherever it listens now.
 */
export async function embeddedServerName(dataDir: string, currentPort: number): Promise<ServerAddress> {
  const path = join(dataDir, FILE);
  try {
    const stored = JSON.parse(await readFile(path, 'utf8')) as { port?: unknown };
    if (Number.isInteger(stored.port) && (stored.port as number) > 0 && (stored.port as number) < 65536) return { host: 'localhost', port: stored.port as number, tls: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} cannot be read (${(error as Error).message})`);
  }
  await writeFile(path, `${JSON.stringify({ port: currentPort })}\n`, { mode: 0o600 });
  return { host: 'localhost', port: currentPort, tls: false };
}
