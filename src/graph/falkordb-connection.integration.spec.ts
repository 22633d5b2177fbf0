import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { CapturingLogger } from '../../test/support/capturing-logger';
import { freePort, refusesConnections } from '../../test/support/free-port';
import { until } from '../../test/support/until';
import { FalkorDbConnection } from './falkordb-connection';

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
