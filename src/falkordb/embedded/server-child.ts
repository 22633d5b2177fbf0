import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { removePidFileOf } from './leftover-server';
import { seconds } from './readiness';
import { logLinesSince, saysPortInUse } from './server-log';

/** How a server process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The program could not be run at all. */
  error?: string;
}

/** One server process we spawned. */
export interface ServerChild {
  process: ChildProcess;
  pid: number;
  exited: Promise<ExitStatus>;
  /** Size of the log file when it started: its own lines come after. */
  logOffset: number;
}

/** After SIGKILL, how long to wait for the exit. */
const KILL_WAIT_MS = 5_000;

/** True if `work` settles within `ms` (the timer is cleared either way). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns the server in its own process group (a Ctrl-C reaches only Node.js), logging to
 * `logFile` (its stdout and stderr too: only written before it opens its log, e.g. a loader error)
 * and reading `configInput` on its stdin. The child does not keep Node.js alive.
 */
export function spawnServer(command: { file: string; args: string[] }, cwd: string, logFile: string, logOffset: number, configInput: string | undefined): ServerChild | { failed: Promise<ExitStatus>; child: ChildProcess } {
  const output = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command.file, command.args, { cwd, detached: true, stdio: [configInput === undefined ? 'ignore' : 'pipe', output, output] });
  } finally {
    closeSync(output);
  }
  // A server that could not be run has no stdin to write to: its exit is reported by the caller.
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(configInput);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // 'error' also reports a failed kill(); only without a pid does it mean the program never ran.
    child.on('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error: error.message });
    });
  });
  if (child.pid === undefined) return { failed: exited, child };
  // If Node.js exits without stopping it, the kernel's parent-death signal does.
  child.unref();
  return { process: child, pid: child.pid, exited, logOffset };
}

/** SIGTERM (graceful: fsync, remove pid file), SIGKILL after `graceMs`; waits for the exit. */
export async function terminate(server: ServerChild, graceMs: number, pidFile: string, warn: (message: string) => void): Promise<void> {
  const { process: child } = server;
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  if (!hasExited()) {
    if (graceMs > 0) {
      child.kill('SIGTERM');
      child.kill('SIGCONT'); // a stopped (SIGSTOP) server would not see the SIGTERM
      if (!(await settlesWithin(server.exited, graceMs))) warn(`FalkorDB server ${server.pid} did not exit within ${seconds(graceMs)} of SIGTERM: killing it`);
    }
    if (!hasExited()) {
      child.kill('SIGKILL');
      await settlesWithin(server.exited, KILL_WAIT_MS);
    }
  }
  await removePidFileOf(pidFile, server.pid);
}

export function describeStatus(status: ExitStatus): string {
  if (status.error) return `the server could not be run (${status.error})`;
  if (status.signal) return `the server was killed by ${status.signal}`;
  return `the server exited with code ${status.code}`;
}

/** Why a server ended, with its last log lines (and the port, when it was taken). */
export async function describeExit(logOffset: number, status: ExitStatus, logFile: string, port: number): Promise<string> {
  const lines = await logLinesSince(logFile, logOffset);
  const portInUse = saysPortInUse(lines) ? `: port ${port} is already in use` : '';
  const log = lines.length ? `. Last lines of ${logFile}:\n  ${lines.join('\n  ')}` : ` (nothing in ${logFile})`;
  return `${describeStatus(status)}${portInUse}${log}`;
}
