import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { DrainOutcome, RequestDrain } from './request-drain';

/** A stand-in for Node's HTTP server: emits 'request' with a response that can 'close'. */
function fakeServer() {
  const server = new EventEmitter();
  const request = (url = '/api/auth/tokens') => {
    const response = new EventEmitter();
    server.emit('request', { url }, response);
    return { end: () => response.emit('close') };
  };
  return { server: server as unknown as Server, request };
}

describe('RequestDrain', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  function setup() {
    const drain = new RequestDrain();
    const { server, request } = fakeServer();
    drain.track(server, (incoming) => (incoming.url ?? '').startsWith('/health/'));
    let outcome: DrainOutcome | undefined;
    const wait = (quietMs: number, graceMs: number) => void drain.waitForQuiet(quietMs, graceMs).then((result) => (outcome = result));
    return { drain, request, wait, outcome: () => outcome };
  }

  it('counts requests until their responses close, leaving out ignored ones', () => {
    const { drain, request } = setup();
    const first = request();
    const second = request();
    request('/health/ready');
    expect(drain.inFlight).toBe(2);
    first.end();
    second.end();
    expect(drain.inFlight).toBe(0);
  });

  it('is quiet once no request has been in flight for the quiet period', async () => {
    const { drain, request, wait, outcome } = setup();
    drain.begin();
    const running = request();
    wait(500, 10_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(outcome()).toBeUndefined();

    running.end();
    await vi.advanceTimersByTimeAsync(400);
    // A request in the quiet period starts it again once it ends.
    const late = request();
    await vi.advanceTimersByTimeAsync(300);
    late.end();
    await vi.advanceTimersByTimeAsync(499);
    expect(outcome()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome()).toBe('quiet');
  });

  it('is quiet at once (after the quiet period) when nothing is in flight', async () => {
    const { wait, outcome } = setup();
    wait(500, 10_000);
    await vi.advanceTimersByTimeAsync(500);
    expect(outcome()).toBe('quiet');
  });

  it('gives up after the grace while requests keep coming', async () => {
    const { request, wait, outcome } = setup();
    wait(500, 10_000);
    for (let elapsed = 0; elapsed < 10_000; elapsed += 100) {
      const next = request();
      await vi.advanceTimersByTimeAsync(50);
      next.end();
      await vi.advanceTimersByTimeAsync(50);
      if (elapsed < 9_900) expect(outcome()).toBeUndefined();
    }
    expect(outcome()).toBe('grace');
  });

  it('ignored requests (health probes) do not keep it from being quiet', async () => {
    const { request, wait, outcome } = setup();
    wait(500, 10_000);
    request('/health/ready');
    await vi.advanceTimersByTimeAsync(500);
    expect(outcome()).toBe('quiet');
  });

  it('can be cut short', async () => {
    const { drain, request, wait, outcome } = setup();
    request();
    wait(500, 10_000);
    drain.cutShort();
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome()).toBe('cut-short');
  });

  it('holds responses until released', async () => {
    const drain = new RequestDrain();
    expect(drain.responseGate).toBeUndefined();
    drain.hold();
    let sent = false;
    void drain.responseGate?.then(() => (sent = true));
    await Promise.resolve();
    expect(sent).toBe(false);
    drain.release();
    await Promise.resolve();
    expect(sent).toBe(true);
    expect(drain.responseGate).toBeUndefined();
  });

  it('starts draining once, when asked', () => {
    const drain = new RequestDrain();
    expect(drain.isDraining).toBe(false);
    drain.begin();
    drain.begin();
    expect(drain.isDraining).toBe(true);
  });
});
