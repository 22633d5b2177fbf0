import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface ServerCommandOptions {
  serverPath: string;
  modulePath: string;
  /** Absolute. */
  dataDir: string;
  port: number;
  moduleArgs?: Record<string, string | number>;
  /** Sent on the server's standard input (see serverConfigInput), never on its command line. */
  password?: string;
  /** Listen on this unix socket (mode 700) instead of a TCP port. */
  unixSocket?: string;
}

export const PID_FILE = 'falkordb.pid';
export const LOG_FILE = 'falkordb.log';
export const SOCKET_FILE = 'falkordb.sock';

/**
 * The server's command line (without the binary). Durability: every write is appended to the AOF
 * and fsync'd before the client gets its reply (`appendfsync always`), so a token that was
 * returned survives kill -9 or a power cut. RDB snapshots are off (`save ""`): with the AOF on the
 * server loads only the AOF at startup, so snapshots would cost a fork and a full write of the
 * data set every minute and never be read; the AOF rewrite (with its RDB preamble) keeps the AOF
 * compact instead. An old dump.rdb in the folder is left alone.
 */
export function serverArgs(options: ServerCommandOptions): string[] {
  const { dataDir, port } = options;
  const moduleArgs = Object.entries(options.moduleArgs ?? {}).flatMap(([name, value]) => [name, String(value)]);
  return [
    // `-`: the server reads configuration from its standard input first (the password, if any).
    ...(options.password === undefined ? [] : ['-']),
    // A unix socket only the service's user may open (in a folder of mode 700): no TCP port another
    // local user could take first to catch the password, nothing to reach from the network.
    ...(options.unixSocket === undefined ? ['--port', String(port), '--bind', '127.0.0.1'] : ['--port', '0', '--unixsocket', options.unixSocket, '--unixsocketperm', '700']),
    '--dir', dataDir,
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--auto-aof-rewrite-percentage', '100',
    '--auto-aof-rewrite-min-size', '16mb',
    '--save', '',
    '--daemonize', 'no',
    // Keep the full command line visible in ps and /proc (a leftover server is recognised by it).
    '--set-proc-title', 'no',
    '--pidfile', join(dataDir, PID_FILE),
    '--logfile', join(dataDir, LOG_FILE),
    '--loadmodule', options.modulePath, ...moduleArgs,
  ];
}

/**
 * What the server reads on its standard input when `serverArgs` starts with `-`: the password its
 * clients must give. Local users can read every process's command line, but not its stdin.
 */
export function serverConfigInput(options: Pick<ServerCommandOptions, 'password'>): string | undefined {
  if (options.password === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{16,256}$/.test(options.password)) throw new Error('the embedded server password must be 16..256 of [A-Za-z0-9_-]');
  return `requirepass ${options.password}\n`;
}

let setprivSupport: boolean | undefined;

/** True when util-linux' setpriv with --pdeathsig (util-linux >= 2.33) is on PATH. */
export function hasSetpriv(): boolean {
  if (setprivSupport === undefined) {
    try {
      const help = execFileSync('setpriv', ['--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      setprivSupport = help.includes('--pdeathsig');
    } catch {
      setprivSupport = false;
    }
  }
  return setprivSupport;
}

/**
 * The program to spawn and its arguments. With setpriv the server is started with a parent-death
 * signal: the kernel sends it SIGTERM when the process that spawned it dies, however it dies
 * (kill -9 included), and it shuts down cleanly. setpriv execs the server, so the pid is the server's.
 */
export function serverCommand(options: ServerCommandOptions): { file: string; args: string[]; pdeathsig: boolean } {
  const args = serverArgs(options);
  if (hasSetpriv()) return { file: 'setpriv', args: ['--pdeathsig', 'SIGTERM', '--', options.serverPath, ...args], pdeathsig: true };
  return { file: options.serverPath, args, pdeathsig: false };
}
