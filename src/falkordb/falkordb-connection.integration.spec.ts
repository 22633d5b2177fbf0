import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { CapturingLogger } from '../../test/support/capturing-logger';
import { FalkorDbTestServer } from '../../test/support/falkordb-test-server';
import { freePort, refusesConnections } from '../../test/support/free-port';
import { until } from '../../test/support/until';
import { StoreUnavailableError } from './falkordb-errors';
import { FalkorDbConnection } from './falkordb-connection';
import { FOLD_AFTER_CREATED } from './pending-changes-fold';

/** The service's connection to its embedded FalkorDB (over TCP), through an outage of the server process. */
describe('FalkorDbConnection with the embedded server (real processes)', () => {
  let dataDir: string;
  let port: number;
  let logger: CapturingLogger;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-connection-embedded-'));
    port = await freePort();
    logger = new CapturingLogger();
    Logger.overrideLogger(logger);
  });

  afterEach(async () => {
    Logger.overrideLogger(new ConsoleLogger());
    await rm(dataDir, { recursive: true, force: true });
  });

  const messages = (level: string, pattern: RegExp) =>
    logger.lines.map((line) => JSON.parse(line) as { level: string; message: string }).filter((line) => line.level === level && pattern.test(line.message));

  it('logs one warning when the server dies and one line when it is back, and queries work again', async () => {
    const connection = new FalkorDbConnection({ embedded: { dataDir, port } });
    await connection.onModuleInit();
    try {
      expect(connection.server).toEqual({ host: 'localhost', port, tls: false });
      await connection.query('g', 'CREATE (:T {v: 1})');
      const pid = Number((await readFile(join(dataDir, 'falkordb.pid'), 'utf8')).trim());

      process.kill(pid, 'SIGKILL');
      await until(() => messages('log', /^Embedded FalkorDB is back/).length > 0, 30_000, 'the embedded server to be back');
      await until(() => connection.isReachable(), 15_000, 'the connection to reconnect');

      expect(messages('warn', /^Embedded FalkorDB .*stopped unexpectedly/)).toEqual([
        expect.objectContaining({ message: expect.stringContaining(`(pid ${pid}) stopped unexpectedly: the server was killed by SIGKILL; restarting it`) }),
      ]);
      expect(messages('log', /^Embedded FalkorDB is back/)).toHaveLength(1);
      expect(await connection.readQuery('g', 'MATCH (t:T) RETURN t.v AS v')).toEqual([{ v: 1 }]);
    } finally {
      await connection.onApplicationShutdown();
    }
    // A requested shutdown is no outage, and the server is gone.
    expect(messages('warn', /stopped unexpectedly/)).toHaveLength(1);
    expect(await refusesConnections(port)).toBe(true);
  });
});

/** The service's connection to an external FalkorDB, through an outage of that server. */
describe('FalkorDbConnection with an external server (real processes)', () => {
  let server: FalkorDbTestServer;
  let logger: CapturingLogger;

  beforeEach(async () => {
    server = await FalkorDbTestServer.start();
    logger = new CapturingLogger();
    Logger.overrideLogger(logger);
  });

  afterEach(async () => {
    Logger.overrideLogger(new ConsoleLogger());
    await server.destroy();
  });

  /** The connection's own lines (the test server's launcher logs through the same static Logger). */
  const connectionLines = (level: string) =>
    logger.lines
      .map((line) => JSON.parse(line) as { level: string; message: string; rest: unknown[] })
      .filter((line) => line.level === level && line.rest[0] === 'FalkorDB');

  it('logs one warning for an outage however many commands fail, and one line when the store answers again', async () => {
    const connection = new FalkorDbConnection({ url: server.url });
    await connection.onModuleInit();
    try {
      await connection.query('g', 'CREATE (:T {v: 1})');
      expect(connectionLines('warn')).toEqual([]);

      await server.stop();
      const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => connection.readQuery('g', 'MATCH (t:T) RETURN t.v AS v')));
      expect(outcomes.map((outcome) => outcome.status === 'rejected' && outcome.reason instanceof StoreUnavailableError)).toEqual(Array(50).fill(true));
      // Let the client fail a few reconnects too (it retries every 50 ms, doubling up to 2 s).
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(connectionLines('warn')).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Token store unavailable: /) })]);
      expect(connectionLines('log').filter((line) => /reachable again/.test(line.message))).toEqual([]);

      await server.startAgain();
      await until(() => connection.isReachable(), 15_000, 'the connection to reconnect');
      expect(await connection.readQuery('g', 'MATCH (t:T) RETURN t.v AS v')).toEqual([{ v: 1 }]);
      await connection.query('g', 'MATCH (t:T) SET t.v = 2');

      expect(connectionLines('warn')).toHaveLength(1);
      expect(connectionLines('log').filter((line) => /^Token store reachable again after [\d.]+ s$/.test(line.message))).toHaveLength(1);
    } finally {
      await connection.onApplicationShutdown();
    }
  });
});

/** The store connection folds FalkorDB's pending changes in after many creations (PendingChangesFold). */
describe('FalkorDbConnection folding pending changes (real FalkorDB)', () => {
  let server: FalkorDbTestServer;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  const labels = async () => ((await server.command(['GRAPH.QUERY', 'folded', 'CALL db.labels()'])) as [unknown, string[][]])[1].map(([label]) => label);

  it('writes one fold after FOLD_AFTER_CREATED created entities on the token graph, and leaves no node of it behind', async () => {
    const connection = new FalkorDbConnection({ url: server.url, tokenGraph: 'folded' });
    await connection.onModuleInit();
    try {
      await connection.query('folded', 'UNWIND range(1, $n) AS i CREATE (:Item {i: i})', { n: FOLD_AFTER_CREATED - 1 });
      expect(await labels()).toEqual(['Item']);
      // Another graph's writes count for nothing.
      await connection.query('elsewhere', 'UNWIND range(1, 5000) AS i CREATE (:Item {i: i})');
      expect(await labels()).toEqual(['Item']);

      await connection.query('folded', 'CREATE (:Item {i: 0})');
      await until(async () => (await labels()).includes('PendingChangesFold'), 5000, 'the fold');
      expect(await connection.readQuery('folded', 'MATCH (n) RETURN count(n) AS nodes')).toEqual([{ nodes: FOLD_AFTER_CREATED }]);
      expect(await connection.readQuery('folded', 'MATCH (f:PendingChangesFold) RETURN count(f) AS folds')).toEqual([{ folds: 0 }]);
    } finally {
      await connection.onApplicationShutdown();
    }
  });

  it("keeps writing when a store writer makes the fold fail (a constraint on its label): the fold is never on a request's path", async () => {
    await server.command(['GRAPH.QUERY', 'sabotaged', 'CREATE (:Item {i: -1})']);
    await server.command(['GRAPH.CONSTRAINT', 'CREATE', 'sabotaged', 'MANDATORY', 'NODE', 'PendingChangesFold', 'PROPERTIES', '1', 'required']);
    const connection = new FalkorDbConnection({ url: server.url, tokenGraph: 'sabotaged' });
    await connection.onModuleInit();
    try {
      for (let batch = 0; batch < 3; batch++) {
        await expect(connection.query('sabotaged', 'UNWIND range(1, $n) AS i CREATE (:Item {i: i}) RETURN count(*) AS created', { n: FOLD_AFTER_CREATED })).resolves.toEqual([
          { created: FOLD_AFTER_CREATED },
        ]);
      }
      expect(await connection.readQuery('sabotaged', 'MATCH (n:Item) RETURN count(n) AS items')).toEqual([{ items: 3 * FOLD_AFTER_CREATED + 1 }]);
    } finally {
      await connection.onApplicationShutdown();
    }
  });
});

