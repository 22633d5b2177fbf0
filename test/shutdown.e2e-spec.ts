import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { freePort, refusesConnections } from './support/free-port';
import { buildIntoPackageCopy, createPackageCopy } from './support/package-copy';
import { until } from './support/until';


/** Production refuses to start without real secrets. */
const SECRETS = {
  JWT_SECRET: 'shutdown-e2e-jwt-secret-0123456789abcdefghij',
  SESSION_SECRET: 'shutdown-e2e-session-secret-0123456789abcdef',
  ENCRYPTION_KEY: '5c'.repeat(32),
};
const CLIENTS = 20;

/** `node dist/main.js` as a supervisor runs it, with its log lines (request log lines only counted). */
interface Service {
  process: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log messages other than the one-per-request HTTP lines. */
  messages: string[];
  stderr: string[];
}

/** What the clients saw: every request is exactly one of these. */
interface Tally {
  /** 2xx. */
  completed: number;
  /** ECONNREFUSED: the server had stopped listening; the request never reached it (fine). */
  refused: number;
  /** Reset or hang-up after the request was written, a timeout, or any non-2xx status. */
  failed: string[];
}

type Outcome = { status: number } | { error: string };

/** One GET on `agent`; errors are outcomes, not exceptions. */
function get(port: number, path: string, agent: Agent | false, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers, timeout: 15_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout (no answer in 15 s)')));
    req.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** Records an outcome; returns false once the server refuses connections (the client then stops). */
function record(tally: Tally, outcome: Outcome, what: string): boolean {
  if ('error' in outcome) {
    if (outcome.error === 'ECONNREFUSED') {
      tally.refused += 1;
      return false;
    }
    tally.failed.push(`${what}: ${outcome.error}`);
  } else if (outcome.status >= 200 && outcome.status < 300) {
    tally.completed += 1;
  } else {
    tally.failed.push(`${what}: HTTP ${outcome.status}`);
  }
  return true;
}

/**
 * CLIENTS keep-alive clients, each looping an authenticated GET until the server refuses its
 * connection, `stop()` says so, or a bound of 60 s passes.
 */
function driveLoad(port: number, token: string, tokenId: string, tally: Tally, stop: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (!stop() && Date.now() < deadline) {
        const outcome = await get(port, `/api/auth/tokens/${tokenId}`, agent, { Authorization: `Bearer ${token}` });
        if (!record(tally, outcome, 'GET /api/auth/tokens/{id}')) return;
      }
    } finally {
      agent.destroy();
    }
  };
  return Promise.all(Array.from({ length: CLIENTS }, client)).then(() => undefined);
}

/** What a load balancer's health check sees: /health/ready on a new connection every 20 ms, until refused. */
async function probeReadiness(port: number, statuses: Set<number>, tally: Tally): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const outcome = await get(port, '/health/ready', false);
    if ('status' in outcome) {
      statuses.add(outcome.status);
      if (outcome.status !== 200 && outcome.status !== 503) tally.failed.push(`readiness: HTTP ${outcome.status}`);
    } else if (outcome.error === 'ECONNREFUSED') {
      return;
    } else {
      tally.failed.push(`readiness: ${outcome.error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** valkey/redis server processes whose command line names `--port <port>`. */
/** Servers listening on 127.0.0.1:`port`, or on the unix socket `port` (the token store's). */
async function serversOnPort(port: number | string): Promise<number[]> {
  const [option, value] = typeof port === 'string' ? ['--unixsocket', port] : ['--port', String(port)];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args: string[] = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((text) => text.split('\0'), () => []);
    const at = args.indexOf(option);
    if (args.length && /(valkey|redis)-server$/.test(args[0]) && at >= 0 && args[at + 1] === value) pids.push(Number(entry));
  }
  return pids;
}

const storeSocketIn = (dataDir: string): string => join(dataDir, 'token-store', 'falkordb.sock');

/** The service end to end as a process: SIGTERM under load, kill -9 and restart. */
describe('shutdown of `node dist/main.js` (e2e)', () => {
  /** A copy of the package built from the current sources (as package-entry.e2e-spec.ts does). */
  let packageDir: string;
  const services: Service[] = [];

  beforeAll(async () => {
    packageDir = await createPackageCopy('pat-shutdown-');
    await buildIntoPackageCopy(packageDir, (report) => console.warn(`tsc reported type errors; testing the emitted JavaScript anyway:\n${report}`));
  }, 150_000);

  afterEach(() => {
    // Whatever a failed test left running.
    for (const service of services.splice(0)) {
      if (service.process.exitCode === null && service.process.signalCode === null) service.process.kill('SIGKILL');
    }
  });

  afterAll(async () => {
    if (packageDir) await rm(packageDir, { recursive: true, force: true });
  });

  /** Starts the service (on `port`, default a free one) and waits until /health/ready is 200. */
  async function startService(env: Record<string, string>, port?: number): Promise<Service> {
    port ??= await freePort();
    const child = spawn(process.execPath, [join(packageDir, 'dist', 'main.js')], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: '0', ...SECRETS, ...env },
    });
    const service: Service = {
      process: child,
      port,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
      messages: [],
      stderr: [],
    };
    services.push(service);
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const entry = (() => {
          try {
            return JSON.parse(line) as { context?: string; message?: unknown };
          } catch {
            return { message: line };
          }
        })();
        if (entry.context !== 'HTTP') service.messages.push(typeof entry.message === 'string' ? entry.message : JSON.stringify(entry.message));
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => service.stderr.push(chunk));
    let gone = false;
    void service.exited.then(() => (gone = true));
    await until(
      async () => {
        if (gone) throw new Error(`the service exited during startup:\n${service.messages.join('\n')}\n${service.stderr.join('')}`);
        const outcome = await get(port, '/health/ready', false);
        return 'status' in outcome && outcome.status === 200;
      },
      60_000,
      'the service to be ready',
    );
    return service;
  }

  async function mintToken(service: Service, user: { username: string; password: string }): Promise<{ token: string; tokenId: string }> {
    const response = await fetch(`http://127.0.0.1:${service.port}/api/auth/tokens/credentials`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password, name: 'shutdown e2e' }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { token: string; tokenId: string };
  }

  async function waitForExit(service: Service): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let result: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void service.exited.then((exit) => (result = exit));
    await until(() => result !== undefined, 60_000, 'the service to exit');
    return result as { code: number | null; signal: NodeJS.Signals | null };
  }

  /**
   * One SIGTERM under load. 'through-grace': the clients keep sending until the server refuses
   * their connections, so HTTP closes at the end of the grace with requests still arriving (the
   * hard case). 'quiet': the clients stop once readiness says 503 (a load balancer moving away),
   * so the service closes after its quiet period, long before its grace.
   */
  async function sigtermUnderLoad(
    label: string,
    kind: 'through-grace' | 'quiet',
    env: Record<string, string>,
    user: { username: string; password: string },
  ): Promise<void> {
    const service = await startService({ ...env, SHUTDOWN_GRACE_MS: kind === 'quiet' ? '30000' : '1500' });
    const { token, tokenId } = await mintToken(service, user);
    const tally: Tally = { completed: 0, refused: 0, failed: [] };
    const readiness = new Set<number>();
    let stopLoad = false;
    const load = driveLoad(service.port, token, tokenId, tally, () => stopLoad);
    await until(() => tally.completed >= 200 || tally.failed.length > 0, 30_000, 'the load to get going');
    const probe = probeReadiness(service.port, readiness, tally);
    await until(() => readiness.has(200), 30_000, 'the readiness probe to see 200');

    service.process.kill('SIGTERM');
    if (kind === 'quiet') {
      await until(() => readiness.has(503), 30_000, 'readiness to say 503');
      stopLoad = true;
    }
    const exit = await waitForExit(service);
    await Promise.all([load, probe]);

    console.log(
      `${label}: completed ${tally.completed}, refused at connect ${tally.refused}, failed ${tally.failed.length}` +
        `${tally.failed.length ? ` (${[...new Set(tally.failed)].join(', ')})` : ''}; readiness seen ${[...readiness].join('/')}; ` +
        `"${service.messages.find((message) => /^(Closing HTTP|Drained)/.test(message)) ?? 'no drain line'}"; exit ${exit.code ?? exit.signal}`,
    );
    expect(tally.failed).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(readiness).toEqual(new Set([200, 503]));
    // The quiet path must be taken when the load stops (its grace is 30 s); under steady load the
    // grace normally ends the drain, but a stalled test process may leave a quiet gap: either is right.
    expect(service.messages).toContainEqual(
      kind === 'quiet' ? expect.stringMatching(/^Drained: no request in flight/) : expect.stringMatching(/^(Closing HTTP with \d+ request\(s\) in flight \(grace|Drained: )/),
    );
    expect(service.messages).toContain('Shutdown complete');
  }

  const TRIALS: ('through-grace' | 'quiet')[] = ['through-grace', 'through-grace', 'through-grace', 'quiet'];

  it('logs: one startup line says where to go, route mapping only at debug, LOG_FORMAT=pretty reads line by line', async () => {
    const server = await FalkorDbTestServer.start();
    const stop = async (service: Service) => {
      service.process.kill('SIGTERM');
      await service.exited;
    };
    try {
      const external = { FALKORDB_URL: server.url, TOKEN_STORE_EXPOSURE: 'accept' };
      const json = await startService(external);
      const startup = json.messages.filter((message) => message.startsWith('FalkorDB PAT service on'));
      expect(startup).toEqual([expect.stringMatching(/^FalkorDB PAT service on http:\/\/localhost:\d+: settings page http:\/\/localhost:\d+\/settings\/tokens, API docs http:\/\/localhost:\d+\/docs \(listening on 127\.0\.0\.1\)$/)]);
      expect(json.messages.filter((message) => /^Mapped \{/.test(message) || /dependencies initialized/.test(message))).toEqual([]);
      await stop(json);

      const debug = await startService({ ...external, LOG_LEVEL: 'debug' });
      expect(debug.messages).toContain('Mapped {/api/auth/tokens/self, GET} route');
      await stop(debug);

      const metricsPort = await freePort();
      const pretty = await startService({ ...external, LOG_FORMAT: 'pretty', METRICS_PORT: String(metricsPort) });
      await get(pretty.port, '/health/live', false);
      await until(() => pretty.messages.some((line) => /^\d\d:\d\d:\d\d\.\d{3} GET \/health\/live 200 [\d.]+ ms$/.test(line)), 10_000, 'the pretty request line');
      expect(pretty.messages.filter((line) => line.includes('FalkorDB PAT service on'))).toEqual([
        expect.stringMatching(new RegExp(`LOG \\[Bootstrap\\] FalkorDB PAT service on .*, metrics on http://127\\.0\\.0\\.1:${metricsPort}/metrics`)),
      ]);
      expect(pretty.messages.filter((line) => line.startsWith('{'))).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
      await stop(pretty);
    } finally {
      await server.destroy();
    }
  }, 120_000);

  it('external FalkorDB: SIGTERM under load loses no request, then exits 0', async () => {
    const server = await FalkorDbTestServer.start();
    try {
      for (const [index, kind] of TRIALS.entries()) {
        await sigtermUnderLoad(`external, trial ${index + 1} (${kind})`, kind, { FALKORDB_URL: server.url, TOKEN_STORE_EXPOSURE: 'accept' }, TEST_USERS.writer);
      }
      // An external server is not the service's to stop.
      expect(await server.command(['PING'])).toBe('PONG');
    } finally {
      await server.destroy();
    }
  }, 150_000);

  it('embedded FalkorDB: SIGTERM under load loses no request, exits 0 and stops FalkorDB first', async () => {
    for (const [index, kind] of TRIALS.entries()) {
      const dataDir = await mkdtemp(join(tmpdir(), 'pat-shutdown-data-'));
      const falkordbPort = await freePort();
      const storeSocket = storeSocketIn(dataDir);
      try {
        await sigtermUnderLoad(
          `embedded, trial ${index + 1} (${kind})`,
          kind,
          { FALKORDB_DATA_DIR: dataDir, FALKORDB_EMBEDDED_PORT: String(falkordbPort) },
          { username: 'default', password: '' },
        );
        // Both servers stopped by the service before it exited, not by the kernel's parent-death signal afterwards.
        for (const port of [falkordbPort, storeSocket]) {
          expect(await refusesConnections(port)).toBe(true);
          expect(await serversOnPort(port)).toEqual([]);
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  }, 150_000);

  it('embedded FalkorDB: after kill -9 of node, a restart on the same data and ports is ready and old tokens work', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pat-kill9-data-'));
    const falkordbPort = await freePort();
    const storeSocket = storeSocketIn(dataDir);
    const env = { FALKORDB_DATA_DIR: dataDir, FALKORDB_EMBEDDED_PORT: String(falkordbPort) };
    try {
      const first = await startService(env);
      const { token, tokenId } = await mintToken(first, { username: 'default', password: '' });
      const orphan = await serversOnPort(falkordbPort);
      expect(orphan).toHaveLength(1);
      first.process.kill('SIGKILL');
      expect(await waitForExit(first)).toEqual({ code: null, signal: 'SIGKILL' });

      // Same data folder and both ports: the launcher makes way for its new server, whether the
      // parent-death signal has already stopped the orphan or it is still running.
      const second = await startService(env, first.port);
      const response = await fetch(`http://127.0.0.1:${second.port}/api/auth/tokens/${tokenId}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { token: { is_active: boolean } }).token.is_active).toBe(true);
      const servers = await serversOnPort(falkordbPort);
      expect(servers).toHaveLength(1);
      expect(servers).not.toEqual(orphan);
      // The token store's own server was replaced the same way (the token above was read from it).
      expect(await serversOnPort(storeSocket)).toHaveLength(1);
      console.log(`kill -9: orphaned FalkorDB ${orphan[0]} replaced by ${servers[0]}; ${second.messages.filter((m) => /left over|Leftover/.test(m)).join('; ') || 'it had already exited (parent-death signal)'}`);

      second.process.kill('SIGTERM');
      expect(await waitForExit(second)).toEqual({ code: 0, signal: null });
      expect(await serversOnPort(falkordbPort)).toEqual([]);
      expect(await serversOnPort(storeSocket)).toEqual([]);
    } finally {
      // Never leave a server of this test behind, whatever failed.
      for (const pid of [...(await serversOnPort(falkordbPort)), ...(await serversOnPort(storeSocket))]) process.kill(pid, 'SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
