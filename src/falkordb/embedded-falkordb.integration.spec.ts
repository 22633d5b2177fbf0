import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, refusesConnections } from '../../test/support/free-port';
import { sendToServer } from '../../test/support/server-command';
import { until } from '../../test/support/until';
import { EmbeddedFalkorDb, EmbeddedFalkorDbStateChange } from './embedded-falkordb';
import { commandLine, isAlive } from './embedded/process-info';
import { serverArgs } from './embedded/server-command';
import { bundledModulePath, resolveServerBinary } from './falkordb-server-binary';

/**
 * The launcher against real processes: valkey-server + falkordb.so, kill -9, a Node.js parent
 * that dies. Waits are bounded polls (until), never sleeps.
 */


const REPO_ROOT = resolve(__dirname, '..', '..');
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One command over TCP as the default user. */
const command = sendToServer;

/** Pids of live servers started with `--dir dataDir`. */
function serversOn(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const args = commandLine(pid) ?? [];
      const at = args.indexOf('--dir');
      return at >= 0 && args[at + 1] === dataDir && isAlive(pid);
    });
}

/** A Node.js process that starts the embedded server with ts-node and prints its pid. */
function nodeParent(dataDir: string, port: number, script: string, options: { detached?: boolean } = {}): ChildProcess {
  const code = `
    const { EmbeddedFalkorDb } = require(${JSON.stringify(join(REPO_ROOT, 'src/falkordb/embedded-falkordb.ts'))});
    const quiet = { log() {}, warn() {}, error() {} };
    EmbeddedFalkorDb.start({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} }, quiet).then((server) => {
      ${script}
      console.log('SERVER_PID ' + server.pid);
    }, (error) => { console.error(error); process.exit(3); });
    setInterval(() => undefined, 60_000);
  `;
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: options.detached ?? false,
  });
}

/** Resolves the first stdout line of `child` matching `pattern`. */
async function lineOf(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  let output = '';
  const exited = once(child, 'close').then(([code]) => {
    throw new Error(`process exited (${String(code)}) before printing ${pattern}: ${output}`);
  });
  const found = new Promise<RegExpExecArray>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve(match);
    });
  });
  return Promise.race([found, exited]);
}

describe('EmbeddedFalkorDb (real valkey-server + falkordb.so)', () => {
  let dataDir: string;
  let port: number;
  const started: EmbeddedFalkorDb[] = [];
  const children: ChildProcess[] = [];

  const start = async (extra: Partial<Parameters<typeof EmbeddedFalkorDb.start>[0]> = {}) => {
    const server = await EmbeddedFalkorDb.start({ dataDir, port, ...extra }, quiet);
    started.push(server);
    return server;
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-embedded-'));
    port = await freePort();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const pid of serversOn(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers PING on 127.0.0.1:port once started, and keeps its data across stop and start', async () => {
    const server = await start({ moduleArgs: { TIMEOUT_DEFAULT: 4321, MAX_QUEUED_QUERIES: 77 } });
    expect(server.isRunning).toBe(true);
    expect(server.state).toBe('up');
    expect(await command(port, ['PING'])).toBe('PONG');
    expect(String(await command(port, ['INFO', 'server']))).toContain(`process_id:${server.pid}`);
    // The durability settings and the module arguments reached the server.
    expect(await command(port, ['CONFIG', 'GET', 'appendfsync'])).toEqual(['appendfsync', 'always']);
    expect(await command(port, ['CONFIG', 'GET', 'appendonly'])).toEqual(['appendonly', 'yes']);
    expect(await command(port, ['GRAPH.CONFIG', 'GET', 'TIMEOUT_DEFAULT'])).toEqual(['TIMEOUT_DEFAULT', 4321]);
    expect(await command(port, ['GRAPH.CONFIG', 'GET', 'MAX_QUEUED_QUERIES'])).toEqual(['MAX_QUEUED_QUERIES', 77]);
    await command(port, ['GRAPH.QUERY', 'g', "CREATE (:Token {id: 'kept'})"]);
    await command(port, ['SET', 'plain', 'value']);

    const pid = server.pid!;
    await server.stop();
    await server.stop(); // idempotent
    expect(server.isRunning).toBe(false);
    expect(server.pid).toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    expect(await refusesConnections(port)).toBe(true);

    await start();
    expect(await command(port, ['GET', 'plain'])).toBe('value');
    expect(await command(port, ['GRAPH.RO_QUERY', 'g', 'MATCH (t:Token) RETURN t.id'])).toEqual([['t.id'], [['kept']], expect.any(Array)]);
  });

  it('leaves nothing but its data, log and (while running) pid file: no unix socket, no temp files', async () => {
    const suspicious = (names: string[]) => names.filter((name) => /falkor|valkey|redis/i.test(name));
    const tmpBefore = new Set(await readdir(tmpdir()));
    const server = await start();
    const pid = server.pid!;

    expect(await command(port, ['CONFIG', 'GET', 'unixsocket'])).toEqual(['unixsocket', '']);
    expect((await readFile(join(dataDir, 'falkordb.pid'), 'utf8')).trim()).toBe(String(pid));
    // Every file the server holds open is in its data folder (or /dev/null); its sockets are TCP only.
    const unixSocketInodes = new Set(
      (await readFile('/proc/net/unix', 'utf8'))
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields.length >= 8)
        .map((fields) => fields[6]),
    );
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      const socket = /^socket:\[(\d+)\]$/.exec(target);
      if (socket) expect(`${target} unix=${unixSocketInodes.has(socket[1])}`).toBe(`${target} unix=false`);
      else if (target.startsWith('/')) expect([dataDir, '/dev'].some((dir) => target.startsWith(`${dir}/`)) ? target : `outside: ${target}`).toBe(target);
    }
    expect(server.isRunning).toBe(true);

    await server.stop();
    expect((await readdir(dataDir)).sort()).toEqual(['appendonlydir', 'falkordb.log']);
    expect(suspicious((await readdir(tmpdir())).filter((name) => !tmpBefore.has(name)))).toEqual([]);
  });

  it('restarts the server after kill -9 on the same port and data, and reports the outage once (down, then up)', async () => {
    const server = await start();
    const changes: EmbeddedFalkorDbStateChange[] = [];
    server.onStateChange((change) => changes.push(change));
    await command(port, ['SET', 'acknowledged', 'before the crash']);
    const first = server.pid!;

    process.kill(first, 'SIGKILL');
    await until(() => changes.some((change) => change.state === 'up'), 30_000, 'the supervisor to restart the server');

    expect(changes.map((change) => change.state)).toEqual(['down', 'up']);
    expect(changes[0]).toMatchObject({ state: 'down', pid: first, reason: 'the server was killed by SIGKILL' });
    expect(changes[1]).toMatchObject({ state: 'up', pid: server.pid });
    expect(server.pid).not.toBe(first);
    expect(server.isRunning).toBe(true);
    // appendfsync always: the acknowledged write survived kill -9.
    expect(await command(port, ['GET', 'acknowledged'])).toBe('before the crash');

    await server.stop();
    expect(changes.map((change) => change.state)).toEqual(['down', 'up']); // a requested stop is no outage
  });

  it('stop() during an outage cancels the restart and leaves no server running', async () => {
    const server = await start();
    const changes: string[] = [];
    server.onStateChange((change) => changes.push(change.state));
    process.kill(server.pid!, 'SIGKILL');
    await until(() => changes.includes('down'), 10_000, 'the outage to be noticed');
    await server.stop();
    expect(server.state).toBe('stopped');
    expect(server.pid).toBeUndefined();
    expect(serversOn(dataDir)).toEqual([]);
    expect(await refusesConnections(port)).toBe(true);
  });

  it('reclaims a server that an earlier run left behind (its Node.js died without stopping it)', async () => {
    // The earlier run: the same command line, started the way a launcher whose Node.js then died
    // leaves it: orphaned (its parent shell exits at once), with its pid in the data folder.
    const serverPath = resolveServerBinary();
    const args = serverArgs({ serverPath, modulePath: bundledModulePath(), dataDir, port });
    const shell = spawn('sh', ['-c', '"$@" &', 'sh', serverPath, ...args], { stdio: 'ignore', detached: true });
    await once(shell, 'exit');
    await until(async () => (await command(port, ['PING']).catch(() => '')) === 'PONG', 20_000, 'the leftover server to answer');
    const leftover = Number((await readFile(join(dataDir, 'falkordb.pid'), 'utf8')).trim());
    expect(isAlive(leftover)).toBe(true);
    await command(port, ['SET', 'from', 'the earlier run']);

    const server = await start();
    expect(isAlive(leftover)).toBe(false);
    expect(server.pid).not.toBe(leftover);
    expect(await command(port, ['GET', 'from'])).toBe('the earlier run');
    expect(serversOn(dataDir)).toEqual([server.pid]);
  });

  it('does not take over a server that a live Node.js process still runs (two services on one data folder)', async () => {
    const serverPath = resolveServerBinary();
    const args = serverArgs({ serverPath, modulePath: bundledModulePath(), dataDir, port });
    const owned = spawn(serverPath, args, { stdio: 'ignore' }); // its parent, this test worker, is alive
    children.push(owned);
    await until(async () => (await command(port, ['PING']).catch(() => '')) === 'PONG', 20_000, 'the owned server to answer');

    await expect(start()).rejects.toThrow(/still run by this process/);
    expect(owned.exitCode).toBeNull();
    expect(await command(port, ['PING'])).toBe('PONG');
  });

  it('never signals a process that a stale pid file names: this test process, a sleep, another valkey-server', async () => {
    const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(sleeper);
    // Another FalkorDB server with its own folder and port: not ours either.
    const otherDir = await mkdtemp(join(tmpdir(), 'pat-embedded-other-'));
    const otherPort = await freePort();
    const serverPath = resolveServerBinary();
    const other = spawn(serverPath, serverArgs({ serverPath, modulePath: bundledModulePath(), dataDir: otherDir, port: otherPort }), { stdio: 'ignore' });
    children.push(other);
    try {
      await until(async () => (await command(otherPort, ['PING']).catch(() => '')) === 'PONG', 20_000, 'the other server to answer');
      for (const pid of [process.pid, sleeper.pid!, other.pid!]) {
        await writeFile(join(dataDir, 'falkordb.pid'), `${pid}\n`);
        const server = await start();
        expect((await readFile(join(dataDir, 'falkordb.pid'), 'utf8')).trim()).toBe(String(server.pid));
        await server.stop();
      }
      expect(isAlive(sleeper.pid!)).toBe(true);
      expect(isAlive(other.pid!)).toBe(true);
      expect(await command(otherPort, ['PING'])).toBe('PONG');
    } finally {
      other.kill('SIGKILL');
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('fails with the exit code, "port already in use" and the log lines when the port is taken, leaving no process', async () => {
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const failure = start().then(
        () => new Error('started'),
        (error: Error) => error,
      );
      const error = await failure;
      expect(error.message).toMatch(/exited with code 1: port \d+ is already in use/);
      expect(error.message).toMatch(/Address already in use/);
      expect(error.message).toContain(join(dataDir, 'falkordb.log'));
    } finally {
      blocker.close();
    }
    expect(serversOn(dataDir)).toEqual([]);
    expect(await readdir(dataDir)).not.toContain('falkordb.pid');
  });

  it('fails with the exit code and the log lines when FalkorDB refuses its module arguments, without mentioning the port', async () => {
    const error = await start({ moduleArgs: { THREAD_COUNT: 'many' } }).then(
      () => new Error('started'),
      (failure: Error) => failure,
    );
    expect(error.message).toMatch(/the server exited with code 1\. Last lines of .*falkordb\.log:/);
    expect(error.message).toMatch(/initialization failed/);
    expect(error.message).not.toMatch(/already in use/);
    expect(serversOn(dataDir)).toEqual([]);
  });

  it('the server dies with its Node.js parent when that is killed with SIGKILL', async () => {
    const parent = nodeParent(dataDir, port, '');
    children.push(parent);
    const serverPid = Number((await lineOf(parent, /SERVER_PID (\d+)/))[1]);
    expect(isAlive(serverPid)).toBe(true);

    process.kill(parent.pid!, 'SIGKILL');
    await until(() => !isAlive(serverPid), 15_000, `server ${serverPid} to exit after its parent was killed`);
    // It got SIGTERM from the kernel and shut down cleanly (fsync, pid file removed).
    await until(async () => !(await readdir(dataDir)).includes('falkordb.pid'), 10_000, 'the pid file to be removed');
    expect(await readFile(join(dataDir, 'falkordb.log'), 'utf8')).toMatch(/Received SIGTERM/);
  });

  it('a SIGINT to the Node.js process group (Ctrl-C) does not reach the server: Node.js stops it when it is done', async () => {
    // The parent handles SIGINT like a service draining its requests: it stops the server itself.
    const parent = nodeParent(dataDir, port, "process.on('SIGINT', () => server.stop().then(() => { console.log('STOPPED'); process.exit(0); }));", {
      detached: true,
    });
    children.push(parent);
    const serverPid = Number((await lineOf(parent, /SERVER_PID (\d+)/))[1]);
    const stopped = lineOf(parent, /STOPPED/);

    process.kill(-parent.pid!, 'SIGINT'); // the whole process group, as a terminal does
    await stopped;
    expect(isAlive(serverPid)).toBe(false);
    const log = await readFile(join(dataDir, 'falkordb.log'), 'utf8');
    expect(log).toMatch(/Received SIGTERM/);
    expect(log).not.toMatch(/Received SIGINT/);
  });
});
