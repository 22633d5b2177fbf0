import { realpathSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { commandLine, executable, isAlive, parentPid, waitForExit, workingDirectory } from './process-info';

export interface LeftoverLogger {
  log(message: string): void;
  warn(message: string): void;
}

const SERVER_NAMES = /^(valkey|redis)-server$/;
const TERM_GRACE_MS = 10_000;
const KILL_GRACE_MS = 5_000;

/** The pid in a pid file; undefined when the file is missing or holds no pid. */
export async function readPidFile(pidFile: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Removes the pid file if it still names `pid` (the server removes it itself on a clean exit). */
export async function removePidFileOf(pidFile: string, pid: number | undefined): Promise<void> {
  if (pid !== undefined && (await readPidFile(pidFile)) === pid) await rm(pidFile, { force: true });
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** A valkey/redis server that listens on `port` or works in `dataDir`: one of ours from an earlier run. */
export function isServerOf(pid: number, dataDir: string, port: number): boolean {
  const args = commandLine(pid);
  if (!args?.length || !SERVER_NAMES.test(basename(args[0]))) return false;
  const valueOf = (option: string) => {
    const at = args.indexOf(option);
    return at >= 0 ? args[at + 1] : undefined;
  };
  // A server that rewrote its title shows "valkey-server 127.0.0.1:6379" instead of its options.
  const portOption = valueOf('--port');
  // Port 0: no TCP at all (a unix socket in the data folder); only the folder can tell.
  const listensOnPort = port !== 0 && (portOption !== undefined ? portOption === String(port) : args.slice(1).some((arg) => arg.endsWith(`:${port}`)));
  const dirs = new Set([dataDir, realpathOrSelf(dataDir)]);
  const usesDataDir = dirs.has(valueOf('--dir') ?? '') || dirs.has(workingDirectory(pid) ?? '');
  return listensOnPort || usesDataDir;
}

/**
 * The live Node.js process that still runs the server as its child (another service instance on
 * the same data folder, or an EmbeddedFalkorDb of this process that was not stopped), if any. A
 * server left over by a process that died has been handed to init or a subreaper.
 */
function liveOwner(pid: number): number | undefined {
  const ppid = parentPid(pid);
  if (ppid === undefined || ppid <= 1 || !isAlive(ppid)) return undefined;
  if (ppid === process.pid) return ppid;
  const exe = executable(ppid);
  return exe === process.execPath || /^node(js)?$/.test(basename(exe ?? '')) ? ppid : undefined;
}

/**
 * Makes way for a new server on `dataDir`/`port`: if the pid file names a live server of ours that
 * a previous run left behind (its Node.js process died before stopping it), stops it (SIGTERM,
 * then SIGKILL after 10 s) so the new server can take its port and data. A pid file naming any
 * other process is stale: it is removed and that process is never signalled. A server that a live
 * Node.js process still runs is not taken over: two services cannot share one data folder.
 */
export async function reclaimLeftoverServer(pidFile: string, dataDir: string, port: number, logger: LeftoverLogger): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid === undefined || !isAlive(pid) || pid === process.pid || !isServerOf(pid, dataDir, port)) {
    await rm(pidFile, { force: true });
    return;
  }
  const owner = liveOwner(pid);
  if (owner !== undefined) {
    const who = owner === process.pid ? 'this process (an EmbeddedFalkorDb that was not stopped)' : `the live process ${owner}`;
    throw new Error(`the FalkorDB server ${pid} on this data folder is still run by ${who}; stop it first, two servers cannot share one data folder`);
  }
  logger.warn(`Stopping FalkorDB server ${pid} left over from a previous run on ${dataDir} (port ${port})`);
  try {
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT'); // a stopped (SIGSTOP) server would otherwise never see the SIGTERM
  } catch {
    // It exited meanwhile.
  }
  if (!(await waitForExit(pid, TERM_GRACE_MS))) {
    logger.warn(`FalkorDB server ${pid} did not exit within ${TERM_GRACE_MS / 1000} s of SIGTERM: killing it`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It exited meanwhile.
    }
    if (!(await waitForExit(pid, KILL_GRACE_MS))) throw new Error(`the leftover FalkorDB server ${pid} does not exit, even on SIGKILL`);
  }
  await rm(pidFile, { force: true });
  logger.log(`Leftover FalkorDB server ${pid} stopped`);
}
