import { readFileSync, readlinkSync } from 'node:fs';

/**
 * What Linux' /proc tells about another process. Every read may fail (the process exited, or it
 * belongs to another user): the answers are then "unknown" (undefined), never an exception.
 */

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/stat`: state letter and parent pid (the command name in parentheses may hold spaces). */
function stat(pid: number): { state: string; ppid: number } | undefined {
  const text = readProc(pid, 'stat');
  const fields = text?.slice(text.lastIndexOf(')') + 2).split(' ');
  if (!fields || fields.length < 2) return undefined;
  return { state: fields[0], ppid: Number(fields[1]) };
}

/**
 * CPU time the process has used so far, in clock ticks (user + system), or undefined when unknown.
 * A server replaying one long command answers nothing, yet this still grows.
 */
export function cpuTicksOf(pid: number): number | undefined {
  const text = readProc(pid, 'stat');
  const fields = text?.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3 of stat(5); utime and stime are fields 14 and 15.
  if (!fields || fields.length < 13) return undefined;
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** True while the process exists and has not exited (a zombie waiting to be reaped has exited). */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = stat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

export function parentPid(pid: number): number | undefined {
  return stat(pid)?.ppid;
}

/** The process' arguments; a server that rewrote its title shows one string, split at spaces here. */
export function commandLine(pid: number): string[] | undefined {
  const raw = readProc(pid, 'cmdline');
  if (!raw) return undefined;
  const args = raw.split('\0');
  if (args[args.length - 1] === '') args.pop();
  return args.length === 1 ? args[0].trim().split(/\s+/) : args;
}

/** The process' working directory (a valkey/redis server changes into its `dir`). */
export function workingDirectory(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

export function executable(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/** Polls until the process has exited; false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
