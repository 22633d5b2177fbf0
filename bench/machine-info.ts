import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** What a reader needs to judge whether figures are comparable: when, on what, with which code. */
export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGb: number;
  nodeVersion: string;
  /** Commit of the measured code, and whether src/ differed from it. */
  commit: string;
  /** 1-minute load average when the run started: above the core count, something else was competing. */
  loadAverageAtStart: number;
}

function gitCommit(repoRoot: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export function machineInfo(repoRoot: string): MachineInfo {
  return {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    nodeVersion: process.version,
    commit: gitCommit(repoRoot),
    loadAverageAtStart: loadavg()[0],
  };
}
