import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hasSetpriv } from '../src/falkordb/embedded/server-command';
import { freePort } from '../test/support/free-port';
import type { Cleanup } from './cleanup';

/** The secrets every instance of one deployment shares: a token minted on one instance verifies on the others. */
export interface ServiceSecrets {
  JWT_SECRET: string;
  SESSION_SECRET: string;
  ENCRYPTION_KEY: string;
}

/** Fresh random secrets, as an operator would generate them (production refuses short or placeholder ones). */
export function randomServiceSecrets(): ServiceSecrets {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    SESSION_SECRET: randomBytes(32).toString('hex'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
}

export interface ServiceOptions {
  /** Names the log files and the messages, e.g. "A". */
  name: string;
  repoRoot: string;
  /** Where stdout/stderr go: a temp folder, never the console (a log line per request would swamp the report). */
  logDir: string;
  falkordbUrl: string;
  secrets: ServiceSecrets;
  /** The metrics listener's port; 0 (the default here) = no metrics counted. */
  metricsPort?: number;
}

/** The bench mints tens of thousands of tokens for a few users: the largest cap the service accepts. */
const MOST_ACTIVE_TOKENS_PER_USER = '1000000';
const DEFAULT_READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

/**
 * The service exactly as users run it: `node dist/main.js` in a process of its own, production
 * mode, configured only by environment variables, logging one JSON line per request to stdout
 * (here a file). Nothing of the bench runs inside it.
 */
export class ServiceProcess {
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly stdoutPath: string,
    readonly stderrPath: string,
  ) {
    this.exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  }

  static async start(options: ServiceOptions, cleanup: Cleanup): Promise<ServiceProcess> {
    const port = await freePort();
    const stdoutPath = join(options.logDir, `service-${options.name}.stdout.log`);
    const stderrPath = join(options.logDir, `service-${options.name}.stderr.log`);
    const stdout = await open(stdoutPath, 'a');
    const stderr = await open(stderrPath, 'a');
    // A clean environment (not the npm one this bench runs in): only what a deployment would set.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      FALKORDB_URL: options.falkordbUrl,
      // The bench's users (`~*`) can write the store on this one server, which production refuses
      // by default: the figures are for that shape, so the bench says it knows.
      TOKEN_STORE_EXPOSURE: 'accept',
      TOKEN_MAX_ACTIVE_PER_USER: MOST_ACTIVE_TOKENS_PER_USER,
      METRICS_PORT: String(options.metricsPort ?? 0),
      ...options.secrets,
    };
    const command = [process.execPath, join(options.repoRoot, 'dist', 'main.js')];
    // With setpriv the kernel stops the service if this bench dies without cleaning up (kill -9 included).
    const [file, ...args] = hasSetpriv() ? ['setpriv', '--pdeathsig', 'SIGTERM', '--', ...command] : command;
    const child = spawn(file, args, { cwd: options.repoRoot, env, stdio: ['ignore', stdout.fd, stderr.fd] });
    // The child holds its own copies of the descriptors.
    await stdout.close();
    await stderr.close();
    const service = new ServiceProcess(options.name, child, `http://127.0.0.1:${port}`, stdoutPath, stderrPath);
    cleanup.add(`stop service ${options.name}`, () => service.stop());
    await service.waitUntilReady(DEFAULT_READY_TIMEOUT_MS);
    return service;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM (the service drains and closes its connections), SIGKILL if it is still there after a grace period. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Bytes and lines the service wrote to stdout (its request log): the cost of logging is part of what is measured. */
  async logSize(): Promise<{ bytes: number; lines: number }> {
    const { size } = await stat(this.stdoutPath);
    let lines = 0;
    for await (const chunk of createReadStream(this.stdoutPath) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines += 1;
    }
    return { bytes: size, lines };
  }

  /** /health/ready answers 200 once the HTTP server listens and FalkorDB answers. */
  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        const how = this.child.signalCode ?? `code ${this.child.exitCode}`;
        throw new Error(`service ${this.name} exited during startup (${how}):\n${await this.outputTail()}`);
      }
      const status = await fetch(`${this.baseUrl}/health/ready`).then(
        (response) => response.arrayBuffer().then(() => response.status),
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`service ${this.name} not ready within ${Math.round(timeoutMs / 1000)} s:\n${await this.outputTail()}`);
  }

  /** Messages the service logged (JSON lines on stdout) from one context, e.g. what its credential store did at startup. */
  async messagesOf(context: string): Promise<string[]> {
    const lines = (await readFile(this.stdoutPath, 'utf8')).split('\n');
    return lines.flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { context?: string; message?: unknown };
        return entry.context === context ? [String(entry.message)] : [];
      } catch {
        return [];
      }
    });
  }

  /** The end of what the service printed: the temp folder holding its logs is removed by cleanup, so errors quote it. */
  async outputTail(): Promise<string> {
    const tail = async (path: string) => {
      const text = await readFile(path, 'utf8').catch(() => '');
      return text.slice(-2000).trim() || '(empty)';
    };
    return `stderr: ${await tail(this.stderrPath)}\nstdout: ${await tail(this.stdoutPath)}`;
  }
}
