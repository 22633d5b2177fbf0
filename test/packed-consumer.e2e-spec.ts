import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { freePort } from './support/free-port';
import { until } from './support/until';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const REDOCLY = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');

/** What only the standalone service or the embedded FalkorDB needs: a host on Express must not get it. */
const isServiceOnly = (name: string) =>
  ['fastify', '@nestjs/platform-fastify', 'falkordblite'].includes(name) || name.startsWith('@fastify/') || name.startsWith('@falkordblite/');
/** Packages the host and the library must share (one Nest container, one set of decorators' metadata, one ErrorReply class). */
const SHARED_PACKAGES = [
  '@nestjs/common', '@nestjs/core', '@nestjs/swagger', '@nestjs/jwt', '@nestjs/passport',
  'class-validator', 'class-transformer', 'reflect-metadata', 'rxjs', 'falkordb', '@redis/client',
];

/**
 * npm run from `npm test` inherits npm_* variables (npm_config_local_prefix among them) that
 * could point the consumer's npm at this repository. SCARF_ANALYTICS: swagger-ui-dist's install
 * script would otherwise try to phone home.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  return { ...env, SCARF_ANALYTICS: 'false' };
}

async function npm(args: string[], cwd: string, timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, env: npmEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}\n${stdout ?? ''}`.trim());
  }
}

/** Every installed package under `dir`/node_modules, nested copies included: name -> paths relative to `dir`. */
async function installedPackages(dir: string, found = new Map<string, string[]>()): Promise<Map<string, string[]>> {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return found;
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const packageDirs = entry.name.startsWith('@')
      ? (await readdir(join(modules, entry.name), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => `${entry.name}/${e.name}`)
      : [entry.name];
    for (const name of packageDirs) {
      const packageDir = join(modules, name);
      found.set(name, [...(found.get(name) ?? []), packageDir]);
      await installedPackages(packageDir, found);
    }
  }
  return found;
}

/**
 * The hosts the library must serve alike: the Nest 11 line in CommonJS, the Nest 12 line in ESM.
 * Each template holds its package.json and tsconfig; the host app's sources are written once
 * (HOST_SOURCES, CommonJS `.cts`) and given to the ESM host as `.mts` importing `.mjs`.
 */
const HOSTS = [
  { name: 'a Nest 11 CommonJS host', template: 'consumer-nest11-cjs', main: 'dist/main.cjs', nestMajor: 11, esm: false },
  { name: 'a Nest 12 ESM host', template: 'consumer-nest12-esm', main: 'dist/main.mjs', nestMajor: 12, esm: true },
];
const HOST_SOURCES = join(__dirname, 'consumer-nest11-cjs', 'src');

/** The host app's sources in `consumerDir`/src, as ESM (`.mts`, relative imports of `.mjs`) when `esm`. */
async function writeHostSources(consumerDir: string, esm: boolean): Promise<void> {
  if (!esm) return; // the CommonJS template carries them
  await mkdir(join(consumerDir, 'src'), { recursive: true });
  for (const file of await readdir(HOST_SOURCES)) {
    if (!file.endsWith('.cts')) continue;
    const source = await readFile(join(HOST_SOURCES, file), 'utf8');
    await writeFile(join(consumerDir, 'src', file.replace(/\.cts$/, '.mts')), source.replace(/from '(\.\/[^']+)\.cjs'/g, "from '$1.mjs'"));
  }
}

/**
 * A host adopts the library the way a user would: the packed tarball (`npm pack`, what `npm
 * publish` uploads), a fresh Express app with no `overrides` and never `--legacy-peer-deps`, `npm
 * ci` from its own lock. Then the app is compiled and run against a real FalkorDB and checked over HTTP.
 */
describe('the packed library', () => {
  let workDir: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'pat-consumer-'));
    // prepack builds dist/ first, so the tarball is the current code.
    const [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', workDir], ROOT, 120_000)) as {
      filename: string;
      files: { path: string }[];
    }[];
    packedFiles = packed.files.map((file) => file.path);
    tarball = join(workDir, packed.filename);
  }, 240_000);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('ships the built library without tests', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'openapi.json']));
    // The settings page, built by `npm run build` (prepack): its HTML template, one script, one stylesheet.
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/settings-page/public/index.html', 'dist/settings-page/settings-page.module.js']));
    expect(packedFiles.filter((path) => /^dist\/settings-page\/public\/app-[A-Z0-9]{8}\.(js|css)$/.test(path))).toHaveLength(2);
    expect(packedFiles.filter((path) => path.startsWith('web/'))).toEqual([]);
    expect(packedFiles.filter((path) => /\.spec\.|(^|\/)test\/|tsbuildinfo/.test(path))).toEqual([]);
  });

  describe.each(HOSTS)('in $name (Express)', ({ template, main, nestMajor, esm }) => {
    let consumerDir: string;
    let packages: Map<string, string[]>;

    beforeAll(async () => {
      if (!tarball) throw new Error('the library was not packed (see the first failure)');
      const templateDir = join(__dirname, template);
      consumerDir = join(workDir, template);
      // The template's sources and settings only, not what a local try-out of it may have left there.
      const leftovers = ['node_modules', 'dist', 'package-lock.json', 'falkordb-pat.tgz'].map((name) => join(templateDir, name));
      await cp(templateDir, consumerDir, { recursive: true, filter: (source) => !leftovers.includes(source) });
      await writeHostSources(consumerDir, esm);
      // The template depends on "file:falkordb-pat.tgz".
      await copyFile(tarball, join(consumerDir, 'falkordb-pat.tgz'));

      const installFlags = ['--no-audit', '--no-fund', '--prefer-offline'];
      await npm(['install', '--package-lock-only', ...installFlags], consumerDir, 120_000);
      const started = Date.now();
      await npm(['ci', ...installFlags], consumerDir, 120_000);
      console.log(`${template} npm ci: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      packages = await installedPackages(consumerDir);
    }, 240_000);

    it(`installs the Nest ${nestMajor} line beside the library, every @nestjs peer on it`, async () => {
      const majorOf = async (name: string) => {
        const manifest = JSON.parse(await readFile(join(consumerDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
        return Number(manifest.version.split('.')[0]);
      };
      const peers = ['@nestjs/common', '@nestjs/core', '@nestjs/swagger', '@nestjs/jwt', '@nestjs/passport', '@nestjs/platform-express'];
      const majors = Object.fromEntries(await Promise.all(peers.map(async (name) => [name, await majorOf(name)] as const)));
      expect(majors).toEqual(Object.fromEntries(peers.map((name) => [name, nestMajor])));
    });

    it('installs no Fastify, no FalkorDB binaries and no falkordblite', () => {
      expect([...packages.keys()].filter(isServiceOnly)).toEqual([]);
    });

    it("shares the host's single copy of Nest and of every other peer (nothing nested under falkordb-pat)", () => {
      const copies = Object.fromEntries(SHARED_PACKAGES.map((name) => [name, (packages.get(name) ?? []).map((path) => relative(consumerDir, path))]));
      expect(copies).toEqual(Object.fromEntries(SHARED_PACKAGES.map((name) => [name, [join('node_modules', name)]])));
      expect(existsSync(join(consumerDir, 'node_modules', 'falkordb-pat', 'node_modules', '@nestjs'))).toBe(false);
    });

    describe('compiled with tsc and started against an external FalkorDB', () => {
      let falkordb: FalkorDbTestServer | undefined;
      let app: ChildProcess | undefined;
      let appOutput = '';
      let baseUrl: string;
      let openApiFile: string;

      const get = (path: string, token?: string) => fetch(`${baseUrl}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      const post = (path: string, body: unknown) =>
        fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

      beforeAll(async () => {
        // Vitest still runs nested hooks when the install above failed: report that, not a confusing tsc error.
        if (!packages) throw new Error('the packed library was not installed (see the first failure)');
        try {
          await run(process.execPath, [TSC, '-p', consumerDir], { cwd: consumerDir, timeout: 120_000 });
        } catch (error) {
          // tsc reports its errors on stdout.
          throw new Error(`the consumer does not compile against the packed library:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
        }

        falkordb = await FalkorDbTestServer.start();
        const port = await freePort();
        baseUrl = `http://127.0.0.1:${port}`;
        openApiFile = join(workDir, 'consumer-openapi.json');
        app = spawn(process.execPath, [main], {
          cwd: consumerDir,
          stdio: ['ignore', 'pipe', 'pipe'],
          // Only what @nestjs/config reads: nothing of this test process leaks in.
          env: {
            PATH: process.env.PATH,
            PORT: String(port),
            FALKORDB_URL: falkordb.url,
            PAT_JWT_SECRET: randomBytes(32).toString('hex'),
            PAT_SESSION_SECRET: randomBytes(32).toString('hex'),
            PAT_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
            OPENAPI_FILE: openApiFile,
          },
        });
        app.stdout?.on('data', (chunk: Buffer) => (appOutput += chunk.toString()));
        app.stderr?.on('data', (chunk: Buffer) => (appOutput += chunk.toString()));
        const listening = () => fetch(`${baseUrl}/health`).then(() => true, () => false);
        await until(async () => app?.exitCode !== null || (await listening()), 30_000, `the consumer app to listen on ${baseUrl}`).catch((error: Error) => {
          throw new Error(`${error.message}\n${appOutput}`);
        });
        if (app.exitCode !== null) throw new Error(`the consumer app exited with ${app.exitCode}:\n${appOutput}`);
      }, 180_000);

      afterAll(async () => {
        if (app && app.exitCode === null) {
          // SIGTERM runs the app's shutdown hooks; SIGKILL if they take more than 5 s.
          const exited = new Promise((resolve) => app?.once('exit', resolve));
          app.kill('SIGTERM');
          const killer = setTimeout(() => app?.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        }
        await falkordb?.destroy();
      }, 30_000);

      it('answers a malformed bearer token on a route guarded by JwtAuthGuard alone with 401 JSON, not 500', async () => {
        const response = await get('/me', 'x.y.z');
        const body = (await response.json()) as Record<string, unknown>;
        expect({ status: response.status, body }).toMatchObject({ status: 401, body: { status: 401 } });
        expect(response.headers.get('content-type')).toMatch(/json/);
      });

      it('answers a request without a token with 401', async () => {
        expect((await get('/me')).status).toBe(401);
      });

      it("mints a token from the host's own code (TokensService), which then authenticates on the host's route", async () => {
        const { username, password } = TEST_USERS.writer;
        const minted = await post('/mint', { username, password, name: 'minted by the host' });
        const body = (await minted.json()) as { token?: string; tokenId?: string; expiresAt?: string };
        expect([200, 201]).toContain(minted.status);
        expect(body).toEqual({ token: expect.any(String), tokenId: expect.any(String), expiresAt: expect.any(String) });

        const me = await get('/me', body.token);
        expect({ status: me.status, body: await me.json() }).toEqual({ status: 200, body: { username: 'pat_writer' } });
      });

      it("serves the library's own routes under the default prefix (POST /api/auth/tokens/credentials)", async () => {
        const { username, password } = TEST_USERS.writer;
        const minted = await post('/api/auth/tokens/credentials', { username, password, name: 'minted by the library route', ttlSeconds: 3600 });
        const body = (await minted.json()) as { token?: string };
        expect(minted.status).toBe(201);
        expect(body.token).toEqual(expect.any(String));
        expect((await get('/me', body.token)).status).toBe(200);
      });

      it("serves the settings page from the package at the host's chosen path, with its own CSP (the host has none), and leaves / alone", async () => {
        const page = await get('/admin/tokens');
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'/);
        const html = await page.text();
        expect(html).toContain('<meta name="falkordb-pat:api" content="../api/auth">');
        const script = /src="(tokens\/assets\/app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
        const asset = await get(`/admin/${script}`);
        expect({ status: asset.status, type: asset.headers.get('content-type') }).toEqual({ status: 200, type: 'text/javascript; charset=utf-8' });
        expect((await asset.text()).length).toBeGreaterThan(1000);
        expect((await get('/')).status).toBe(404);
      });

      it('reports FalkorDB up through FalkorDbHealthIndicator', async () => {
        const response = await get('/health');
        expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { falkordb: { status: 'up' } } });
      });

      it("serves the host's OpenAPI document with our security schemes, and it lints clean with @redocly/cli", async () => {
        const written = JSON.parse(await readFile(openApiFile, 'utf8')) as { components?: { securitySchemes?: Record<string, unknown> } };
        expect(await (await get('/docs-json')).json()).toEqual(written);
        expect(Object.keys(written.components?.securitySchemes ?? {})).toEqual(expect.arrayContaining(['bearer', 'session']));

        // As test/openapi.e2e-spec.ts runs it: recommended rules, no config file.
        const lint = await run(process.execPath, [REDOCLY, 'lint', openApiFile, '--format=json'], {
          cwd: ROOT,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
          maxBuffer: 16 * 1024 * 1024,
          timeout: 60_000,
        }).then(
          ({ stdout }) => ({ exitCode: 0, stdout }),
          // redocly exits 1 when it finds errors; the report is still on stdout.
          (error: Error & { code?: number; stdout?: string }) => {
            if (!error.stdout) throw error;
            return { exitCode: error.code ?? -1, stdout: error.stdout };
          },
        );
        const report = JSON.parse(lint.stdout) as { problems: { severity: string; ruleId: string; message: string; location: { pointer: string }[] }[] };
        const errors = report.problems
          .filter((problem) => problem.severity === 'error')
          .map((problem) => `${problem.ruleId}: ${problem.message} at ${problem.location.map((l) => l.pointer).join(', ')}`);
        expect({ exitCode: lint.exitCode, errors }).toEqual({ exitCode: 0, errors: [] });
      });
    });
  });
});
