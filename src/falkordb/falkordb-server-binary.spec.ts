import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FalkorDbServerNotFoundError, resolveServerBinary, serverVersion } from './falkordb-server-binary';

/** A fake server binary that prints a given version line. */
async function fakeServer(dir: string, name: string, versionLine: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\necho "${versionLine}"\n`);
  await chmod(path, 0o755);
  return path;
}

describe('resolveServerBinary', () => {
  let dir: string;
  const originalPath = process.env.PATH;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pat-bin-'));
  });

  afterEach(async () => {
    process.env.PATH = originalPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the version of a server binary', async () => {
    const path = await fakeServer(dir, 'valkey-server', 'Valkey server v=8.0.1 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64');
    expect(serverVersion(path)).toEqual([8, 0]);
    expect(serverVersion(join(dir, 'missing'))).toBeUndefined();
  });

  it('accepts an explicit binary of version 7.2 or newer', async () => {
    const path = await fakeServer(dir, 'redis-server', 'Redis server v=7.2.4 sha=0 malloc=libc bits=64');
    expect(resolveServerBinary(path)).toBe(path);
  });

  it('refuses a server older than 7.2 with a message that names the fix', async () => {
    const path = await fakeServer(dir, 'redis-server', 'Redis server v=7.0.15 sha=0 malloc=libc bits=64');
    expect(() => resolveServerBinary(path)).toThrow(FalkorDbServerNotFoundError);
    expect(() => resolveServerBinary(path)).toThrow(/older than 7\.2[\s\S]*install-falkordb-server\.sh|install-falkordb-server\.sh[\s\S]*older than 7\.2/);
  });

  it('fails at once, naming the install script and FALKORDB_URL, when nothing usable exists', () => {
    process.env.PATH = dir;
    // The bundled redis-server may or may not run on this machine's glibc; a missing explicit path never does.
    expect(() => resolveServerBinary(join(dir, 'nope'))).toThrow(/scripts\/install-falkordb-server\.sh[\s\S]*FALKORDB_URL/);
  });

  it('finds valkey-server on PATH when no path is given and the bundled binary does not run', async () => {
    const path = await fakeServer(dir, 'valkey-server', 'Valkey server v=8.0.1 sha=0');
    process.env.PATH = dir;
    const resolved = resolveServerBinary();
    // Either the bundled redis-server runs here (newer glibc) or the PATH one is chosen.
    const bundledRuns = resolved.endsWith(join('@falkordblite', 'linux-x64', 'bin', 'redis-server'));
    expect(bundledRuns ? resolved : path).toBe(resolved);
    expect(resolved === path || bundledRuns).toBe(true);
  });
});
