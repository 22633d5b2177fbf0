import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
/** The CLI compiled on its own (it imports nothing of the service), inside the repository so its packages resolve. */
const BUILD = join(ROOT, 'test', 'artifacts', 'cli-build');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Issue 27: `falkordb-pat` driven as a subprocess against the running service: every command,
 * `--json`, tables, exit codes 0 / 1 / 2, `login` through a pseudo-terminal, and `--write-to`
 * followed by a call with the written token.
 */
describe('the falkordb-pat CLI (e2e, real FalkorDB, real service)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let url: string;
  let home: string;

  const cli = async (args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> => {
    const child = run(process.execPath, [join(BUILD, 'main.js'), ...args], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), FALKORDB_PAT_URL: url, ...env },
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    try {
      const { stdout, stderr } = await child;
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--outDir', BUILD, '--module', 'commonjs', '--target', 'es2022', '--moduleResolution', 'node', '--esModuleInterop', '--strict', '--skipLibCheck', join(ROOT, 'src', 'cli', 'main.ts')]);
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TOKEN_MAX_ACTIVE_PER_USER: '1000' });
    await app.app.listen(0, '127.0.0.1');
    url = (await app.app.getUrl()).replace('[::1]', '127.0.0.1');
    home = await mkdtemp(join(tmpdir(), 'pat-cli-home-'));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('logs in through a pseudo-terminal without echoing the password, and stores the session 0600', async () => {
    const command = `${process.execPath} ${join(BUILD, 'main.js')} login --username ${TEST_USERS.writer.username}`;
    // script(1) gives the CLI a real terminal; the password is typed into it.
    const typed = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), FALKORDB_PAT_URL: url, TERM: 'dumb' } }, () => undefined);
      let output = '';
      let typedIn = false;
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (!typedIn && output.includes('Password for')) {
          typedIn = true;
          child.stdin?.write(`${TEST_USERS.writer.password}\r`);
        }
      });
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(typed.code).toBe(0);
    expect(typed.output).toContain(`Signed in to ${url} as ${TEST_USERS.writer.username} (Read-Write)`);
    expect(typed.output).not.toContain(TEST_USERS.writer.password);
    const file = join(home, '.config', 'falkordb-pat', 'sessions.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.config', 'falkordb-pat'))).mode & 0o777).toBe(0o700);

    const me = await cli(['whoami', '--json']);
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ username: TEST_USERS.writer.username, role: 'Read-Write', via: 'session' });
  }, 60_000);

  it('creates, lists, shows, rotates (--write-to, then uses the written token), revokes; prints a token only on create and rotate', async () => {
    const created = await cli(['token', 'create', '--name', 'cli deploy', '--expires-in', '30d', '--read-only', '--graph', 'app_*', '--allowed-ip', '127.0.0.0/8', '--json']);
    expect(created.code).toBe(0);
    const { token, tokenId } = JSON.parse(created.stdout) as { token: string; tokenId: string };
    expect(token).toMatch(/^eyJ/);

    const table = await cli(['token', 'list', '--name', 'cli deploy']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+USER\s+STATE\s+EXPIRES\s+LAST USED/m);
    expect(table.stdout).toContain(tokenId);
    expect(table.stdout).not.toContain(token);
    const listed = JSON.parse((await cli(['token', 'list', '--json', '--state', 'active', '--limit', '5'])).stdout) as { tokens: Array<{ token_id: string }> };
    expect(listed.tokens.map((entry) => entry.token_id)).toContain(tokenId);

    const shown = await cli(['token', 'show', tokenId]);
    expect(shown.stdout).toMatch(/access:\s+read/);
    expect(shown.stdout).toMatch(/graphs:\s+app_\*/);
    expect(shown.stdout).not.toContain(token);

    // As the token itself (FALKORDB_PAT_TOKEN), a script rotates it into a file and uses what it wrote.
    const file = join(home, 'pat.txt');
    const rotated = await cli(['token', 'rotate', 'self', '--write-to', file], { FALKORDB_PAT_TOKEN: token });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^Token \S+ written to .*pat\.txt \(mode 0600\)/);
    expect(rotated.stdout).not.toMatch(/eyJ/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const written = (await readFile(file, 'utf8')).trim();
    const self = await cli(['token', 'show', 'self', '--json'], { FALKORDB_PAT_TOKEN: written });
    expect(self.code).toBe(0);
    expect(JSON.parse(self.stdout)).toMatchObject({ name: 'cli deploy', is_active: true });

    const revoked = await cli(['token', 'revoke', 'self'], { FALKORDB_PAT_TOKEN: written });
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Revoked /) });
    const after = await cli(['token', 'show', 'self'], { FALKORDB_PAT_TOKEN: written });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^Error 401/);
    // The rotated-away token is refused too (checked last: its use revokes what was rotated from it).
    expect((await cli(['whoami'], { FALKORDB_PAT_TOKEN: token })).code).toBe(1);
  }, 60_000);

  it('runs queries with parameters, reads the audit log, revokes all with --all', async () => {
    const { token } = JSON.parse((await cli(['token', 'create', '--name', 'cli query', '--no-expiry', '--json'])).stdout) as { token: string };
    const asToken = { FALKORDB_PAT_TOKEN: token };
    expect((await cli(['query', 'cli_graph', 'CREATE (:P {name: $name, age: $age})', '--param', 'name=Alice', '--param', 'age=42'], asToken)).code).toBe(0);
    const rows = await cli(['query', 'cli_graph', 'MATCH (p:P) RETURN p.name AS name, p.age AS age', '--read-only'], asToken);
    expect(rows.stdout).toMatch(/^NAME\s+AGE\nAlice\s+42$/m);
    const json = JSON.parse((await cli(['query', 'cli_graph', 'MATCH (p:P) RETURN p.age AS age', '--json'], asToken)).stdout) as { rows: unknown[][] };
    expect(json.rows).toEqual([[42]]);

    const audit = await cli(['audit', '--type', 'token.created', '--limit', '50']);
    expect(audit.stdout).toMatch(/^AT\s+TYPE\s+ACTOR\s+SUBJECT\s+IP/m);
    expect(audit.stdout).toContain('token.created');

    const all = await cli(['token', 'revoke', '--all', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout).revoked).toBeGreaterThanOrEqual(1);
    expect((await cli(['whoami'], asToken)).code).toBe(1);
  }, 60_000);

  it('checks --write-to before rotating: an unwritable file changes nothing (exit 2), the old token still works', async () => {
    const { token } = JSON.parse((await cli(['token', 'create', '--name', 'cli unwritable', '--expires-in', '1d', '--json'])).stdout) as { token: string };
    const attempt = await cli(['token', 'rotate', 'self', '--write-to', join(home, 'no-such-folder', 'pat.txt')], { FALKORDB_PAT_TOKEN: token });
    expect(attempt.code).toBe(2);
    expect(attempt.stderr).toContain('nothing was changed');
    expect((await cli(['whoami'], { FALKORDB_PAT_TOKEN: token })).code).toBe(0);
  });

  it('never lets text from the service drive the terminal (escape sequences in a token name)', async () => {
    const name = 'evil \u001b]52;c;cGF5bG9hZA==\u0007 \u001b[2J name';
    await cli(['token', 'create', '--name', name, '--expires-in', '1d', '--json']);
    const table = await cli(['token', 'list', '--name', 'evil']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(table.stdout).toContain('evil ?]52;c;cGF5bG9hZA==? ?[2J name');
  });

  it('ends `login` on Ctrl-C at the password prompt with exit 130, storing nothing', async () => {
    const configHome = join(home, 'interrupted');
    const command = `${process.execPath} ${join(BUILD, 'main.js')} login --username ${TEST_USERS.reader.username}`;
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: configHome, FALKORDB_PAT_URL: url, TERM: 'dumb' } }, () => undefined);
      let output = '';
      let pressed = false;
      child.stdin?.on('error', () => undefined); // the terminal may be gone by the time a write lands
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (!pressed && output.includes('Password for')) {
          pressed = true;
          child.stdin?.write('\u0003');
        }
      });
      child.on('exit', resolve);
    });
    expect(code).toBe(130);
    await expect(stat(join(configHome, 'falkordb-pat', 'sessions.json'))).rejects.toThrow(/ENOENT/);
  }, 30_000);

  it('exits 2 on usage errors, 1 on refusals (problem shown), and has --help on every command', async () => {
    expect((await cli(['token', 'frobnicate'])).code).toBe(2);
    expect((await cli(['token', 'create'])).code).toBe(2); // --name is required
    expect((await cli(['token', 'create', '--name', 'x', '--expires-in', 'soon'])).code).toBe(2);
    expect((await cli(['token', 'revoke'])).code).toBe(2);
    expect((await cli(['whoami'], { FALKORDB_PAT_URL: '' })).code).toBe(2);
    expect((await cli(['whoami'], { FALKORDB_PAT_URL: 'http://user:pw@127.0.0.1:1' })).code).toBe(2);
    const refused = await cli(['token', 'show', '1700000000000-00000000']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Error 404/);
    for (const command of [[], ['login'], ['logout'], ['whoami'], ['token'], ['token', 'create'], ['token', 'list'], ['token', 'show'], ['token', 'rotate'], ['token', 'revoke'], ['query'], ['audit']]) {
      const help = await cli([...command, '--help']);
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).toMatch(/^Usage: falkordb-pat/);
    }
  }, 90_000);

  it('logs out: the session ends on the service and is forgotten', async () => {
    const out = await cli(['logout']);
    expect(out).toMatchObject({ code: 0, stdout: `Signed out of ${url}\n` });
    const me = await cli(['whoami']);
    expect(me.code).toBe(1);
    expect(me.stderr).toContain('Not signed in');
  });
});
