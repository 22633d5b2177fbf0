import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { freePort } from '../../../test/support/free-port';
import { until } from '../../../test/support/until';
import { EmbeddedFalkorDb, EmbeddedFalkorDbLogger } from '../embedded-falkordb';
import { isAlive } from './process-info';

/**
 * Startup readiness: a big AOF is waited for while it loads; a server that makes no progress
 * fails startup after readyTimeoutMs, with a message saying what it was doing, and is killed.
 */

function recordingLogger(): EmbeddedFalkorDbLogger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: unknown) => void lines.push(`${level} ${String(message)}`);
  return { lines, log: record('log'), warn: record('warn'), error: record('error'), debug: record('debug') };
}

describe('EmbeddedFalkorDb readiness: a real server loading a big AOF', () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedFalkorDb | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-embedded-loading-'));
    port = await freePort();
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('waits while the AOF replays (LOADING) and is ready only once every key is loaded', async () => {
    const keys = 400_000;
    server = await EmbeddedFalkorDb.start({ dataDir, port }, recordingLogger());
    const client = createClient({ socket: { host: '127.0.0.1', port } });
    client.on('error', () => undefined);
    await client.connect();
    try {
      // Only to write the test data quickly (the next start sets them back from its command line):
      // no fsync per write, and no rewrite, so the AOF stays 400k commands to replay one by one.
      await client.sendCommand(['CONFIG', 'SET', 'appendfsync', 'no']);
      await client.sendCommand(['CONFIG', 'SET', 'auto-aof-rewrite-percentage', '0']);
      const value = randomBytes(256).toString('hex'); // 512 bytes, not compressible to nothing
      for (let batch = 0; batch < keys; batch += 10_000) {
        await Promise.all(Array.from({ length: 10_000 }, (_, i) => client.set(`key:${batch + i}`, `${batch + i}:${value}`)));
      }
      expect(await client.dbSize()).toBe(keys);
    } finally {
      client.destroy();
    }
    await server.stop();

    const logger = recordingLogger();
    server = await EmbeddedFalkorDb.start({ dataDir, port }, logger);
    // Asked right after start() resolved: a server still loading would answer -LOADING here.
    const check = createClient({ socket: { host: '127.0.0.1', port } });
    check.on('error', () => undefined);
    await check.connect();
    try {
      expect(await check.dbSize()).toBe(keys);
      expect(await check.get('key:399999')).toMatch(/^399999:/);
      expect(await check.sendCommand(['CONFIG', 'GET', 'appendfsync'])).toEqual(['appendfsync', 'always']);
    } finally {
      check.destroy();
    }

    // The server's own account of the replay (about 1 s here): when it took three times the
    // launcher's longest poll interval (250 ms) or more, the launcher must have seen it loading.
    const log = await readFile(join(dataDir, 'falkordb.log'), 'utf8');
    const loadSeconds = Number([...log.matchAll(/DB loaded from append only file: ([\d.]+) seconds/g)].pop()?.[1]);
    expect(loadSeconds).toBeGreaterThan(0);
    if (loadSeconds >= 0.75) expect(logger.lines.some((line) => /^debug FalkorDB answers LOADING: loading AOF \d+%/.test(line))).toBe(true);
  }, 180_000);
});

/**
 * A stand-in server (a real process on a real port) whose loading is under the test's control:
 * 'stalled' answers LOADING at 45% forever, 'advancing' answers LOADING with growing progress for
 * `readyAfterMs` and then PONG, 'deaf' never listens. It answers `--version` like valkey-server,
 * writes its pid to `<dir>/fake.pid`, and exits on SIGTERM like any Node.js process.
 */
async function fakeServer(dir: string, mode: 'stalled' | 'advancing' | 'deaf', readyAfterMs = 0): Promise<string> {
  const path = join(dir, `fake-${mode}-server`);
  const script = `#!${process.execPath}
const { createServer } = require('node:net');
const { writeFileSync } = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === '--version') {
  console.log('Valkey server v=8.0.1 sha=00000000:0 malloc=libc bits=64');
  process.exit(0);
}
writeFileSync(${JSON.stringify(join(dir, 'fake.pid'))}, String(process.pid));
const port = Number(args[args.indexOf('--port') + 1]);
const started = Date.now();
let loaded = 0;
if (${JSON.stringify(mode)} === 'deaf') {
  setInterval(() => undefined, 60000);
} else {
  createServer((socket) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
      if (!received.includes('persistence\\r\\n')) return;
      received = '';
      const ready = ${JSON.stringify(mode)} === 'advancing' && Date.now() - started >= ${readyAfterMs};
      loaded = ${JSON.stringify(mode)} === 'stalled' ? 45000000 : loaded + 1000000;
      const info = ['# Server', 'process_id:' + process.pid, '# Persistence', 'loading:' + (ready ? 0 : 1), 'loading_start_time:1700000000',
        'loading_total_bytes:100000000', 'loading_loaded_bytes:' + loaded, 'loading_loaded_perc:' + (loaded / 1000000).toFixed(2), ''].join('\\r\\n');
      socket.write((ready ? '+PONG' : '-LOADING Valkey is loading the dataset in memory') + '\\r\\n$' + Buffer.byteLength(info) + '\\r\\n' + info + '\\r\\n');
    });
  }).listen(port, '127.0.0.1');
}
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}

describe('EmbeddedFalkorDb readiness: no progress for readyTimeoutMs (stand-in server processes)', () => {
  let dir: string;
  let dataDir: string;
  let port: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pat-embedded-fake-'));
    dataDir = join(dir, 'data');
    port = await freePort();
  });

  afterEach(async () => {
    const pid = Number(await readFile(join(dir, 'fake.pid'), 'utf8').catch(() => '0'));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const fakePid = async () => Number(await readFile(join(dir, 'fake.pid'), 'utf8'));
  const failure = (promise: Promise<unknown>) => promise.then(() => new Error('started'), (error: Error) => error);

  it('fails when loading stops advancing, saying how far it got, and kills the server', async () => {
    const serverPath = await fakeServer(dir, 'stalled');
    const error = await failure(EmbeddedFalkorDb.start({ dataDir, port, serverPath, readyTimeoutMs: 1000 }, recordingLogger()));
    expect(error.message).toMatch(/: loading AOF 45% \(42\.9 MB of 95\.4 MB\) after [\d.]+ s, no progress for [\d.]+ s$/);
    const pid = await fakePid();
    await until(() => !isAlive(pid), 10_000, 'the stalled server to be killed');
  });

  it('fails when the server never listens, saying so, and kills it', async () => {
    const serverPath = await fakeServer(dir, 'deaf');
    const error = await failure(EmbeddedFalkorDb.start({ dataDir, port, serverPath, readyTimeoutMs: 500 }, recordingLogger()));
    expect(error.message).toMatch(new RegExp(`not accepting connections on 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after [\\d.]+ s, no progress for [\\d.]+ s$`));
    const pid = await fakePid();
    await until(() => !isAlive(pid), 10_000, 'the deaf server to be killed');
  });

  it('keeps waiting far past readyTimeoutMs while loading advances, and logs the progress every few seconds', async () => {
    const serverPath = await fakeServer(dir, 'advancing', 6000);
    const logger = recordingLogger();
    const server = await EmbeddedFalkorDb.start({ dataDir, port, serverPath, readyTimeoutMs: 1500 }, logger);
    try {
      expect(server.isRunning).toBe(true);
      expect(server.pid).toBe(await fakePid());
      expect(logger.lines.filter((line) => /^log FalkorDB is loading AOF \d+% \([\d.]+ MB of 95\.4 MB\), [\d.]+ s so far$/.test(line)).length).toBeGreaterThanOrEqual(1);
      expect(logger.lines).toContainEqual(expect.stringMatching(/^log FalkorDB loaded its data in [\d.]+ s$/));
    } finally {
      await server.stop();
    }
    expect(isAlive(await fakePid())).toBe(false);
  });
});
