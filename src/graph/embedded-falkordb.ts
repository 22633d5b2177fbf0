import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FalkorDB as FalkorDbLite } from 'falkordblite';
import { EmbeddedFalkorDbOptions } from './graph.options';
import { bundledModulePath, resolveServerBinary } from './falkordb-server-binary';

/**
 * A FalkorDB server run as a child process (via falkordblite), listening on a Unix socket and
 * on 127.0.0.1:<port>. Data is kept in `dataDir` with an fsync'd append-only file, so a token
 * that was returned to a client survives a crash or restart.
 */
export class EmbeddedFalkorDb {
  private constructor(
    private readonly lite: FalkorDbLite,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(options: EmbeddedFalkorDbOptions): Promise<EmbeddedFalkorDb> {
    const serverPath = resolveServerBinary(options.serverPath);
    const modulePath = options.modulePath ?? bundledModulePath();
    const dataDir = resolve(options.dataDir);
    await mkdir(dataDir, { recursive: true });
    try {
      const lite = await FalkorDbLite.open({
        path: dataDir,
        redisServerPath: serverPath,
        modulePath,
        logFile: join(dataDir, 'falkordb.log'),
        timeout: 20000,
        additionalConfig: {
          port: String(options.port),
          bind: '127.0.0.1',
          appendonly: 'yes',
          appendfsync: 'always',
        },
      });
      // falkordblite keeps a client of its own on the Unix socket with no 'error' listener: if the
      // server drops that connection (CLIENT KILL, a restart), the 'error' event would be thrown
      // as an uncaught exception and take the whole service down. It reconnects by itself.
      (lite as unknown as { client?: { on?: (event: 'error', listener: () => void) => unknown } }).client?.on?.('error', () => undefined);
      return new EmbeddedFalkorDb(lite, options.port, dataDir);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Embedded FalkorDB failed to start (${serverPath} on 127.0.0.1:${options.port}, data in ${dataDir}): ${reason}. ` +
          `Is the port already in use? See ${join(dataDir, 'falkordb.log')}.`,
      );
    }
  }

  get socketPath(): string {
    return this.lite.socketPath;
  }

  get isRunning(): boolean {
    return this.lite.isRunning;
  }

  /** Saves and stops the server. */
  async stop(): Promise<void> {
    await this.lite.close();
  }
}
