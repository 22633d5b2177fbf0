import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** A temp folder holding this package as published: its package.json, with this repository's node_modules. */
export async function createPackageCopy(prefix: string): Promise<string> {
  const packageDir = await mkdtemp(join(tmpdir(), prefix));
  await copyFile(join(ROOT, 'package.json'), join(packageDir, 'package.json'));
  await symlink(join(ROOT, 'node_modules'), join(packageDir, 'node_modules'), 'dir');
  return packageDir;
}

/**
 * Builds the current sources into the copy's dist/ with the production build's settings
 * (tsconfig.build.json). `onTypeErrors`: type errors do not fail the build when JavaScript was
 * still emitted (they are `npm run typecheck`'s business); without it, any error does.
 */
export async function buildIntoPackageCopy(packageDir: string, onTypeErrors?: (report: string) => void): Promise<void> {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  await run(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(packageDir, 'dist'), '--incremental', 'false'], {
    cwd: ROOT,
    timeout: 120_000,
  }).catch(async (error: Error & { stdout?: string }) => {
    if (!onTypeErrors || !(await readFile(join(packageDir, 'dist', 'main.js')).then(() => true, () => false))) throw error;
    onTypeErrors(error.stdout ?? '');
  });
}
