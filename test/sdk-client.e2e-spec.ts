import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OPENAPI_FILE, serializeOpenApiDocument } from '../scripts/openapi-document';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const bin = (path: string) => join(ROOT, 'node_modules', path);

/** Runs a Node.js CLI and returns its output; a non-zero exit fails with everything it printed. */
async function node(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
  }
}

/**
 * The SDK story end to end: a TypeScript client generated from the committed openapi.json with
 * openapi-typescript, used through openapi-fetch by a program that has no hand-written API types,
 * type-checked by tsc and run by node against the real service on a real port.
 */
describe('SDK generated from openapi.json (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let baseUrl: string;
  let workDir: string;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url });
    await app.app.listen(0, '127.0.0.1');
    baseUrl = (await app.app.getUrl()).replace('[::1]', '127.0.0.1');
    workDir = await mkdtemp(join(tmpdir(), 'pat-sdk-'));
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('the running service serves exactly the committed document at /docs-json', async () => {
    const response = await fetch(`${baseUrl}/docs-json`);
    expect(response.status).toBe(200);
    const served = serializeOpenApiDocument((await response.json()) as Parameters<typeof serializeOpenApiDocument>[0]);
    expect(served).toBe(await readFile(OPENAPI_FILE, 'utf8'));
  });

  it('generates a typed client, type-checks a program against it, and creates a token, queries a graph, lists, gets and revokes', async () => {
    // A consumer project: ESM, strict, resolving packages from this repository's node_modules.
    await symlink(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
    await writeFile(join(workDir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }));
    await writeFile(
      join(workDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmitOnError: true,
          noUnusedLocals: true,
          types: ['node'],
          outDir: 'out',
        },
        files: ['client.mts'],
      }),
    );
    await copyFile(join(__dirname, 'sdk-client', 'client.mts'), join(workDir, 'client.mts'));

    await node([bin('openapi-typescript/bin/cli.js'), OPENAPI_FILE, '--output', join(workDir, 'schema.d.ts')]);
    const schema = await readFile(join(workDir, 'schema.d.ts'), 'utf8');
    expect(schema).toContain('"/api/auth/tokens/{tokenId}"');
    expect(schema).toContain('createTokenWithCredentials');

    // tsc type-checks (including the @ts-expect-error lines that prove the types are enforced) and emits.
    await node([bin('typescript/bin/tsc'), '-p', join(workDir, 'tsconfig.json')], { cwd: workDir });

    const output = await node([join(workDir, 'out', 'client.mjs')], {
      cwd: workDir,
      env: {
        PAT_BASE_URL: baseUrl,
        PAT_USERNAME: TEST_USERS.admin.username,
        PAT_PASSWORD: TEST_USERS.admin.password,
        PAT_FALKORDB_PORT: String(server.port),
        PAT_GRAPH: 'sdk_demo',
      },
    });
    const result = JSON.parse(output.trim().split('\n').pop() ?? '{}');

    expect(result.created).toEqual({
      status: 201,
      tokenId: expect.stringMatching(/^[0-9]{13}-[0-9a-f]{8}$/),
      expiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      tokenParts: 3,
    });
    const { tokenId } = result.rotated;
    expect(result.rotated).toEqual({ status: 201, tokenId: expect.stringMatching(/^[0-9]{13}-[0-9a-f]{8}$/), expiresAt: expect.any(String) });
    expect(tokenId).not.toBe(result.created.tokenId);
    expect(result.self).toEqual({ status: 200, tokenId, name: 'SDK token', access: 'read-write' });
    expect(result.oldAfterRotation).toEqual({ status: 401, code: 'INVALID_TOKEN' });
    expect(result.written).toMatchObject({ status: 200, columns: ['created'] });
    expect(result.read).toMatchObject({ status: 200, columns: ['name'], rows: [['Alice']] });
    expect(result.listed).toMatchObject({ status: 200, role: 'Admin' });
    expect(result.listed.mine).toMatchObject({ token_id: tokenId, username: TEST_USERS.admin.username, name: 'SDK token', role: 'Admin' });
    // Three tokens named "SDK page n", two a page, oldest first: two pages, each token once.
    expect(result.paged).toEqual({ pages: 2, ids: result.paged.expected, expected: expect.any(Array) });
    expect(result.paged.expected).toHaveLength(3);
    expect(result.fetched).toEqual({ status: 200, isActive: true, name: 'SDK token' });
    expect(result.revoked).toEqual({ status: 200, body: { message: 'Token revoked successfully', tokenId } });
    expect(result.afterRevoke).toMatchObject({
      status: 401,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      code: 'INVALID_TOKEN',
    });
    expect(result.invalid.status).toBe(400);
    expect(Object.keys(result.invalid.errors)).toEqual(['ttlSeconds']);
  });
});
