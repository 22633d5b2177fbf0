import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What the build reads besides src/: a change to either makes dist/ stale too. */
const BUILD_CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
const BUILD_TIMEOUT_MS = 5 * 60_000;

async function newestSourceChange(folder: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSourceChange(path));
    // Spec files are not part of the build (tsconfig.build.json excludes them).
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when dist/main.js is newer than every source it is built from. */
async function staleReason(repoRoot: string): Promise<string | undefined> {
  const built = await stat(join(repoRoot, 'dist', 'main.js')).catch(() => undefined);
  if (!built) return 'dist/main.js does not exist';
  let newest = await newestSourceChange(join(repoRoot, 'src'));
  for (const file of BUILD_CONFIG_FILES) newest = Math.max(newest, (await stat(join(repoRoot, file))).mtimeMs);
  return newest > built.mtimeMs ? 'src/ changed since the last build' : undefined;
}

/**
 * The bench measures `node dist/main.js`, so dist/ must be what src/ says: rebuilt with
 * `npm run build` when any source is newer (other engineers edit src/ while benches run).
 * Returns what it did, for the report header.
 */
export async function buildIfNeeded(repoRoot: string): Promise<string> {
  const reason = await staleReason(repoRoot);
  if (!reason) return 'dist/ up to date';
  console.log(`Building (${reason}): npm run build`);
  await new Promise<void>((resolve, reject) => {
    const build = spawn('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    const timer = setTimeout(() => build.kill('SIGTERM'), BUILD_TIMEOUT_MS);
    build.once('error', reject);
    build.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm run build failed (${signal ?? `exit code ${code}`})`));
    });
  });
  return `rebuilt (${reason})`;
}
