import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { hasSetpriv } from '../src/falkordb/embedded/server-command';
import { freePort } from '../test/support/free-port';
import type { Cleanup } from './cleanup';

const READY_TIMEOUT_MS = 60_000;

/** The anchor app (anchor/anchor-main.ts) in a process of its own, as the service runs in its own. */
export class AnchorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(repoRoot: string, falkordbUrl: string, graph: string, query: string, cleanup: Cleanup): Promise<AnchorProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      ANCHOR_PORT: String(port),
      FALKORDB_URL: falkordbUrl,
      ANCHOR_GRAPH: graph,
      ANCHOR_QUERY: query,
      TS_NODE_TRANSPILE_ONLY: 'true',
    };
    const command = [process.execPath, '-r', 'ts-node/register', join(repoRoot, 'bench', 'anchor', 'anchor-main.ts')];
    const [file, ...args] = hasSetpriv() ? ['setpriv', '--pdeathsig', 'SIGTERM', '--', ...command] : command;
    const child = spawn(file, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
    const anchor = new AnchorProcess(child, `http://127.0.0.1:${port}`);
    cleanup.add('stop the anchor app', () => anchor.stop());
    await anchor.waitUntilReady();
    return anchor;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`the anchor app exited during startup (code ${this.child.exitCode})`);
      const status = await fetch(`${this.baseUrl}/live`).then((response) => response.arrayBuffer().then(() => response.status), () => 0);
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the anchor app did not answer within ${READY_TIMEOUT_MS / 1000} s`);
  }
}
