import { OutageLog } from './outage-log';

/** A fake clock and a logger that records each line. */
function setup() {
  let now = 1_000_000;
  const lines: { level: 'log' | 'warn'; message: string }[] = [];
  const logger = {
    log: (message: string) => lines.push({ level: 'log', message }),
    warn: (message: string) => lines.push({ level: 'warn', message }),
  };
  const outage = new OutageLog(
    logger,
    { down: (reason) => `down: ${reason}`, up: (downForMs) => `up after ${downForMs} ms` },
    () => now,
  );
  return { outage, lines, advance: (ms: number) => (now += ms) };
}

describe('OutageLog', () => {
  it('says nothing while everything works', () => {
    const { outage, lines } = setup();
    for (let i = 0; i < 10; i++) outage.succeeded();
    expect(lines).toEqual([]);
    expect(outage.isDown).toBe(false);
  });

  it('warns once at the first failure of an outage, with its reason, and logs once when it ends', () => {
    const { outage, lines, advance } = setup();
    outage.failed('ECONNREFUSED');
    for (let i = 0; i < 1000; i++) {
      advance(10);
      outage.failed(`retry ${i} failed`);
    }
    expect(outage.isDown).toBe(true);
    expect(lines).toEqual([{ level: 'warn', message: 'down: ECONNREFUSED' }]);

    advance(500);
    outage.succeeded();
    outage.succeeded();
    expect(outage.isDown).toBe(false);
    expect(lines).toEqual([
      { level: 'warn', message: 'down: ECONNREFUSED' },
      { level: 'log', message: 'up after 10500 ms' },
    ]);
  });

  it('reports each outage on its own', () => {
    const { outage, lines, advance } = setup();
    outage.failed('first');
    advance(100);
    outage.succeeded();
    advance(60_000);
    outage.failed('second');
    outage.failed('second again');
    advance(2_000);
    outage.succeeded();
    expect(lines.map((line) => line.message)).toEqual(['down: first', 'up after 100 ms', 'down: second', 'up after 2000 ms']);
  });
});
