import { BufferedJsonAccessLog, jsonLine } from './access-log';

const entry = (n: number) => ({ requestId: `r${n}`, method: 'GET', path: '/x', status: 200, durationMs: 1.5, client: '127.0.0.1' });

describe('BufferedJsonAccessLog', () => {
  it('writes the lines of one event-loop turn with one call, in the JSON console logger shape', async () => {
    const writes: string[] = [];
    const log = new BufferedJsonAccessLog({ write: (chunk: string) => (writes.push(chunk), true) });
    log.record(entry(1));
    log.record(entry(2));
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const lines = writes[0].trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([1, 2].map((n) => ({ level: 'log', pid: process.pid, timestamp: expect.any(Number), message: entry(n), context: 'HTTP' })));
  });

  it('writes at once when many lines wait, and flush() writes what is pending', () => {
    const writes: string[] = [];
    const log = new BufferedJsonAccessLog({ write: (chunk: string) => (writes.push(chunk), true) });
    for (let n = 0; n < 512; n++) log.record(entry(n));
    expect(writes).toHaveLength(1);
    log.record(entry(600));
    log.flush();
    expect(writes).toHaveLength(2);
    log.flush();
    expect(writes).toHaveLength(2);
  });
});

describe('jsonLine', () => {
  it('is JSON.stringify of the logger shape, byte for byte, whatever the strings hold', () => {
    const awkward = { requestId: 'r"1\\', method: 'GET', path: '/a{,"b\\c\n\u2028\u0000é', status: 404, durationMs: 0.1, client: '::ffff:10.0.0.1' };
    // A client gone before its address was read has none; a clock oddity must not write NaN.
    const gone = { ...entry(8), client: undefined as unknown as string, durationMs: Number.NaN };
    for (const logged of [entry(7), awkward, gone]) {
      const line = jsonLine(logged, 1234);
      expect(line).toBe(JSON.stringify({ level: 'log', pid: process.pid, timestamp: 1234, message: logged, context: 'HTTP' }));
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });
});
