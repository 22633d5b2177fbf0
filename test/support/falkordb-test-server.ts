import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedFalkorDb } from '../../src/falkordb/embedded-falkordb';
import { freePort } from './free-port';
import { sendToServer } from './server-command';

/** Real ACL users created on every test server. */
export const TEST_USERS = {
  admin: { username: 'pat_admin', password: 'admin-secret-pw', role: 'Admin' },
  writer: { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' },
  reader: { username: 'pat_reader', password: 'reader-secret-pw', role: 'Read-Only' },
} as const;

/**
 * A real FalkorDB server (valkey/redis + falkordb.so) on a free port with its own data folder,
 * which a test can stop and start again (data kept).
 */
export class FalkorDbTestServer {
  private server?: EmbeddedFalkorDb;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(): Promise<FalkorDbTestServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'pat-fdb-'));
    const instance = new FalkorDbTestServer(await freePort(), dataDir);
    await instance.startAgain();
    return instance;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.server?.isRunning ?? false;
  }

  /** Starts (again) on the same port and data; ACL users live in memory, so they are created on each start. */
  async startAgain(): Promise<void> {
    this.server = await EmbeddedFalkorDb.start({ dataDir: this.dataDir, port: this.port });
    await this.createUsers();
  }

  /** Stops the server (SIGTERM: the AOF is fsync'd); the data folder stays. */
  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /**
   * Freezes the server process (SIGSTOP): the kernel still accepts TCP connections, but nothing
   * is answered, like a server that hangs. Undo with `thaw()`.
   */
  freeze(): Promise<void> {
    process.kill(this.processId(), 'SIGSTOP');
    return Promise.resolve();
  }

  thaw(): Promise<void> {
    process.kill(this.processId(), 'SIGCONT');
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The server process's id while it runs (e.g. to read its CPU time). */
  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** The server process, for freeze() and thaw(). */
  private processId(): number {
    const pid = this.server?.pid;
    if (pid === undefined) throw new Error('the FalkorDB test server is not running');
    return pid;
  }

  /** Runs one command as the default (admin) user. */
  command(args: string[]): Promise<unknown> {
    return sendToServer(this.port, args);
  }

  /** An admin with a password, a Read-Write user (no admin commands), a Read-Only user (no GRAPH.QUERY). */
  private async createUsers(): Promise<void> {
    const { admin, writer, reader } = TEST_USERS;
    await this.command(['ACL', 'SETUSER', admin.username, 'on', `>${admin.password}`, '~*', '&*', '+@all']);
    await this.command(['ACL', 'SETUSER', writer.username, 'on', `>${writer.password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous']);
    await this.command([
      'ACL', 'SETUSER', reader.username, 'on', `>${reader.password}`, '~*', '&*',
      '+graph.ro_query', '+graph.list', '+graph.explain', '+ping', '+info', '+client', '+hello',
    ]);
  }
}
