import { BufferedJsonAccessLog } from './access-log';

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
