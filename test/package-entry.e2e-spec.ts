import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, refusesConnections } from './support/free-port';
import { buildIntoPackageCopy, createPackageCopy } from './support/package-copy';
import { until } from './support/until';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

interface PackageJson {
  main: string;
  types: string;
  exports: { '.': { types: string; require: string; default: string } };
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What `import ... from 'falkordb-pat'` resolves to, built the way `npm run build` builds it. */
describe('package entry point', () => {
  let pkg: PackageJson;
  /** A copy of the package as published: package.json and dist/, with this repository's node_modules. */
  let packageDir: string;

  const requireFromPackage = async (expression: string): Promise<string> => {
    const { stdout } = await run(process.execPath, ['-e', `console.log(JSON.stringify(${expression}))`], { cwd: packageDir, timeout: 60_000 });
    return JSON.parse(stdout) as string;
  };

  beforeAll(async () => {
    pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
    packageDir = await createPackageCopy('pat-package-');
    await buildIntoPackageCopy(packageDir);
  });

  afterAll(async () => {
    if (packageDir) await rm(packageDir, { recursive: true, force: true });
  });

  it('maps "." to the built barrel and its declarations', () => {
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' });
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
  });

  it('exports the modules, guards, decorators, tokens, errors and filter (and nothing that starts a server)', async () => {
    const declarations = await readFile(join(packageDir, pkg.exports['.'].types), 'utf8');
    // Resolved by package name through the `exports` map (Node's self-reference), as a host would.
    expect(await requireFromPackage(`require.resolve('falkordb-pat')`)).toBe(join(packageDir, 'dist', 'index.js'));
    const names = (await requireFromPackage(`Object.keys(require('falkordb-pat'))`)) as unknown as string[];
    expect(names).toEqual(
      expect.arrayContaining([
        'FalkorDbModule', 'AuthModule', 'TokensModule', 'GraphApiModule',
        'JwtAuthGuard', 'RolesGuard', 'Roles', 'CurrentPrincipal', 'Authenticated',
        'FALKORDB_MODULE_OPTIONS', 'AUTH_MODULE_OPTIONS', 'TOKENS_MODULE_OPTIONS', 'GRAPH_API_MODULE_OPTIONS',
        'ProblemDetailsFilter', 'DomainError', 'InvalidTokenError', 'ForbiddenError', 'NotFoundError', 'StoreUnavailableError',
        'ROLES', 'FalkorDbConnection', 'validateFalkorDbOptions',
      ]),
    );
    expect(names).not.toEqual(expect.arrayContaining(['AppModule']));
    for (const type of ['Principal', 'Role', 'FalkorDbModuleOptions', 'AuthModuleOptions', 'TokensModuleOptions', 'FalkorDbModuleAsyncOptions', 'AuthModuleOptionsFactory']) {
      expect(declarations).toMatch(new RegExp(`\\b${type}\\b`));
    }
  });

  it('keeps internals private: only the entry point is exported', async () => {
    await expect(requireFromPackage(`require.resolve('falkordb-pat/dist/main.js')`)).rejects.toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  it('declares the frameworks a host brings as peers, the standalone-only packages as optional peers (and still installs them here)', () => {
    const required = [
      '@nestjs/common', '@nestjs/core', '@nestjs/jwt', '@nestjs/passport', '@nestjs/swagger',
      'class-validator', 'class-transformer', 'falkordb', 'reflect-metadata', 'rxjs',
    ];
    const optional = ['@nestjs/platform-fastify', '@fastify/static', '@falkordblite/linux-x64'];
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([...required, ...optional].sort());
    expect(Object.keys(pkg.peerDependenciesMeta).sort()).toEqual([...optional].sort());
    for (const name of optional) expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
    for (const name of [...required, ...optional]) {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.devDependencies[name]).toBeDefined();
    }
  });

  /**
   * `npm start` in its own process group (so whatever is left can be killed at the end whatever
   * happens), on free ports and a data folder of its own, served once this resolves; `stop` cleans up.
   */
  async function npmStart(prefix: string) {
    const [httpPort, falkordbPort] = [await freePort(), await freePort()];
    const dataDir = await mkdtemp(join(tmpdir(), prefix));
    const npm = spawn('npm', ['start'], {
      cwd: packageDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(httpPort), FALKORDB_EMBEDDED_PORT: String(falkordbPort), FALKORDB_DATA_DIR: dataDir, METRICS_PORT: '0' },
    });
    let output = '';
    npm.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    npm.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
    const stop = async () => {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL');
      } catch {
        // Nothing left in the group: the normal case.
      }
      await rm(dataDir, { recursive: true, force: true });
    };
    try {
      const live = () => fetch(`http://127.0.0.1:${httpPort}/health/live`).then((response) => response.ok, () => false);
      await until(live, 60_000, '`npm start` to serve /health/live');
    } catch (error) {
      await stop();
      throw error;
    }
    return { npm, httpPort, falkordbPort, dataDir, exited, output: () => output, stop };
  }

  it('`npm start` serves on the embedded FalkorDB, and a SIGTERM to npm stops the service and FalkorDB', async () => {
    const started = await npmStart('pat-npm-start-');
    try {
      expect(await refusesConnections(started.falkordbPort)).toBe(false);

      // What a supervisor (systemd, Docker, a CI runner) sends: only to npm itself.
      started.npm.kill('SIGTERM');
      await started.exited;
      await until(
        async () =>
          (await refusesConnections(started.httpPort)) &&
          (await refusesConnections(started.falkordbPort)) &&
          (await refusesConnections(join(started.dataDir, 'token-store', 'falkordb.sock'))),
        15_000,
        'the service and both FalkorDB servers to stop',
      );
    } finally {
      await started.stop();
    }
  }, 120_000);

  it('one Ctrl-C under `npm start` (SIGINT to the whole process group: the terminal\'s and npm\'s copy) drains once and stops', async () => {
    const started = await npmStart('pat-npm-ctrl-c-');
    try {
      // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
      process.kill(-(started.npm.pid as number), 'SIGINT');
      await started.exited;
      await until(async () => (await refusesConnections(started.httpPort)) && (await refusesConnections(started.falkordbPort)), 15_000, 'the service and FalkorDB to stop');
      expect(started.output().match(/SIGINT received: draining/g)).toHaveLength(1);
      expect(started.output()).not.toContain('again: not waiting');
      expect(started.output()).toContain('Shutdown complete');
    } finally {
      await started.stop();
    }
  }, 120_000);
});
