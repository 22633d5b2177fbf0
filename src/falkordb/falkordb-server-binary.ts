import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** FalkorDB 4.x loads only into a Redis-compatible server of version 7.2 or newer. */
const MINIMUM_SERVER_VERSION: readonly [number, number] = [7, 2];

export const MISSING_SERVER_HELP =
  'No server that can load FalkorDB was found. The embedded FalkorDB needs redis-server or valkey-server ' +
  '>= 7.2. On Debian 12 run `bash scripts/install-falkordb-server.sh` (installs valkey-server from ' +
  'bookworm-backports), or set FALKORDB_URL to an external FalkorDB (e.g. `docker run -p 6379:6379 falkordb/falkordb`).';

export class FalkorDbServerNotFoundError extends Error {
  constructor(details: string[]) {
    super(`${MISSING_SERVER_HELP}\nChecked:\n  ${details.join('\n  ')}`);
    this.name = 'FalkorDbServerNotFoundError';
  }
}

function bundledBinDir(): string | undefined {
  try {
    return join(dirname(require.resolve('@falkordblite/linux-x64/package.json')), 'bin');
  } catch {
    return undefined;
  }
}

/** The falkordb.so shipped by @falkordblite/linux-x64. */
export function bundledModulePath(): string {
  const dir = bundledBinDir();
  const path = dir && join(dir, 'falkordb.so');
  if (!path || !existsSync(path)) {
    throw new Error('falkordb.so not found: install @falkordblite/linux-x64 (npm ci), or pass embedded.modulePath');
  }
  return path;
}

/** `Redis server v=7.0.15 ...` / `Valkey server v=8.0.1 ...` -> [major, minor]; undefined if it does not run. */
export function serverVersion(binary: string): [number, number] | undefined {
  try {
    const output = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const match = /v=(\d+)\.(\d+)/.exec(output);
    return match ? [Number(match[1]), Number(match[2])] : undefined;
  } catch {
    return undefined;
  }
}

function isRecentEnough([major, minor]: [number, number]): boolean {
  const [wantMajor, wantMinor] = MINIMUM_SERVER_VERSION;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Picks the server binary: an explicit path, else the bundled redis-server when it runs on this
 * machine's glibc, else valkey-server or redis-server >= 7.2 on PATH.
 */
export function resolveServerBinary(explicitPath?: string): string {
  const candidates: string[] = [];
  if (explicitPath) {
    candidates.push(explicitPath);
  } else {
    const dir = bundledBinDir();
    if (dir) candidates.push(join(dir, 'redis-server'));
    for (const name of ['valkey-server', 'redis-server']) {
      const found = onPath(name);
      if (found) candidates.push(found);
    }
  }
  const checked: string[] = [];
  for (const candidate of candidates) {
    const version = serverVersion(candidate);
    if (version && isRecentEnough(version)) return candidate;
    checked.push(`${candidate}: ${version ? `version ${version.join('.')} is older than 7.2` : 'does not run here'}`);
  }
  if (candidates.length === 0) checked.push('no redis-server or valkey-server on PATH');
  throw new FalkorDbServerNotFoundError(checked);
}
